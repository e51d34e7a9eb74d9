package dev.herald.gateway.connection;

import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * One IO loop's subscribers by topic, and how far each partition's live batches have reached that loop
 * (the watermark). Confined to the loop's thread, so registering, unregistering and delivering need no
 * lock. Each topic's {@link Subscribers} may be walked while connections close (shed during delivery).
 */
final class SubscriptionIndex {
    private final Map<Topic, Subscribers<SseConnection>> byTopic = new HashMap<>();
    private final StreamId[] watermarks;

    SubscriptionIndex(int partitions) {
        watermarks = new StreamId[partitions];
    }

    /** The topic's connections on this loop, or null if it has none. */
    Subscribers<SseConnection> subscribers(Topic topic) {
        return byTopic.get(topic);
    }

    void add(SseConnection connection, Collection<Topic> topics) {
        for (Topic t : topics) {
            byTopic.computeIfAbsent(t, k -> new Subscribers<>()).add(connection);
        }
    }

    void remove(SseConnection connection, Collection<Topic> topics) {
        for (Topic t : topics) {
            Subscribers<SseConnection> subscribers = byTopic.get(t);
            if (subscribers != null && subscribers.remove(connection) && subscribers.size() == 0) {
                byTopic.remove(t);
            }
        }
    }

    /** Adds this loop's streams per topic into {@code counts}. */
    void countInto(Map<String, Integer> counts) {
        byTopic.forEach((topic, subscribers) -> counts.merge(topic.name(), subscribers.size(), Integer::sum));
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
