package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.testing.ResumingSseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;

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

    /** What clients received, summed: every count but {@code acknowledged} must be zero. */
    record Tally(int acknowledged, int lost, int duplicated, int reconnects) {
    }

    /**
     * Waits until every client has every acknowledged event of its topic, then asserts each holds exactly its
     * topic's acknowledged sequence: nothing lost, doubled or reordered.
     */
    Tally assertExactSequences(ResumingClients all) {
        List<ResumingSseClient> clients = all.list();
        int acked = acknowledgedCount();
        assertThat(acked).isGreaterThan(100);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (int i = 0; i < clients.size(); i++) {
                if (lost(all.topicOf(i), clients.get(i).data()) > 0) {
                    return false;
                }
            }
            return true;
        });
        int lost = 0;
        int duplicated = 0;
        for (int i = 0; i < clients.size(); i++) {
            String topic = all.topicOf(i);
            List<String> got = clients.get(i).data();
            lost += lost(topic, got);
            duplicated += duplicated(got);
            assertThat(inPublishOrder(topic, got)).as("client %d in order", i).isTrue();
            assertThat(got).as("client %d", i).isEqualTo(acknowledged(topic));
        }
        assertThat(lost).isZero();
        assertThat(duplicated).isZero();
        return new Tally(acked, lost, duplicated, clients.stream().mapToInt(c -> c.connects() - 1).sum());
    }
}
