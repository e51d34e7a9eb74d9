package dev.herald.gateway.connection;

import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * One IO loop's subscribers by topic, and how far each partition's live batches have reached that loop
 * (the watermark). Confined to the loop's thread, so registering, unregistering and delivering need no
 * lock. Each topic's subscribers are a copy-on-write array: a connection that closes while a batch is
 * being delivered (shed) does not disturb the iteration.
 */
final class SubscriptionIndex {
    private static final SseConnection[] NONE = {};

    private final Map<Topic, SseConnection[]> byTopic = new HashMap<>();
    private final StreamId[] watermarks;

    SubscriptionIndex(int partitions) {
        watermarks = new StreamId[partitions];
    }

    SseConnection[] subscribers(Topic topic) {
        return byTopic.getOrDefault(topic, NONE);
    }

    void add(SseConnection connection, Collection<Topic> topics) {
        for (Topic t : topics) {
            SseConnection[] old = byTopic.getOrDefault(t, NONE);
            SseConnection[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = connection;
            byTopic.put(t, grown);
        }
    }

    void remove(SseConnection connection, Collection<Topic> topics) {
        for (Topic t : topics) {
            SseConnection[] old = byTopic.get(t);
            if (old == null) {
                continue;
            }
            int at = Arrays.asList(old).indexOf(connection);
            if (at < 0) {
                continue;
            }
            if (old.length == 1) {
                byTopic.remove(t);
                continue;
            }
            SseConnection[] shrunk = new SseConnection[old.length - 1];
            System.arraycopy(old, 0, shrunk, 0, at);
            System.arraycopy(old, at + 1, shrunk, at, old.length - at - 1);
            byTopic.put(t, shrunk);
        }
    }

    /** Adds this loop's streams per topic into {@code counts}. */
    void countInto(Map<String, Integer> counts) {
        byTopic.forEach((topic, connections) -> counts.merge(topic.name(), connections.length, Integer::sum));
    }

    /** The ID of the last event of {@code partition} delivered to this loop; null before the tailer positioned it. */
    StreamId watermark(int partition) {
        return watermarks[partition];
    }

    void advance(int partition, StreamId to) {
        StreamId current = watermarks[partition];
        if (current == null || to.isAfter(current)) {
            watermarks[partition] = to;
        }
    }
}
