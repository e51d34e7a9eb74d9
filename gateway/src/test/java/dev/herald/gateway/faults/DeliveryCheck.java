package dev.herald.gateway.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a fault test published, per topic, and the verdict on what a client received: how many
 * acknowledged events it lost and how many it got twice.
 */
final class DeliveryCheck {
    private final Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, List<String>> attempted = new ConcurrentHashMap<>();

    void attempted(String topic, String data) {
        attempted.computeIfAbsent(topic, t -> Collections.synchronizedList(new ArrayList<>())).add(data);
    }

    void acknowledged(String topic, String data) {
        acknowledged.computeIfAbsent(topic, t -> Collections.synchronizedList(new ArrayList<>())).add(data);
    }

    List<String> acknowledged(String topic) {
        return List.copyOf(acknowledged.getOrDefault(topic, List.of()));
    }

    int acknowledgedCount() {
        return acknowledged.values().stream().mapToInt(List::size).sum();
    }

    /** Acknowledged events of {@code topic} missing from {@code received}. */
    int lost(String topic, List<String> received) {
        Set<String> got = new HashSet<>(received);
        return (int) acknowledged(topic).stream().filter(d -> !got.contains(d)).count();
    }

    static int duplicated(List<String> received) {
        return received.size() - new HashSet<>(received).size();
    }

    /** True if {@code received} keeps the publish order of {@code topic} and holds only attempted events. */
    boolean inPublishOrder(String topic, List<String> received) {
        List<String> all = List.copyOf(attempted.getOrDefault(topic, List.of()));
        int at = -1;
        for (String d : received) {
            int i = all.indexOf(d);
            if (i <= at) {
                return false;
            }
            at = i;
        }
        return true;
    }
}
