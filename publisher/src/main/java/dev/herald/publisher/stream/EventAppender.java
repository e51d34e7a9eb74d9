package dev.herald.publisher.stream;

import dev.herald.common.config.RedisSettings;
import dev.herald.common.event.Cursor;
import dev.herald.common.event.StreamId;
import dev.herald.common.redis.PublishScript;
import dev.herald.publisher.metrics.PublisherMetrics;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Appends events to Redis: groups them by partition and runs the publish script once per partition, so
 * each call touches one hash slot. Events of one partition are appended in request order.
 */
public final class EventAppender {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisSettings settings;
    private final PublisherMetrics metrics;
    private final String feedMaxLen;
    private final String historyMaxLen;
    private final String historyMaxAgeMillis;

    public EventAppender(RedisClusterAsyncCommands<String, String> redis, RedisSettings settings, Retention retention, long feedMaxLen,
                         PublisherMetrics metrics) {
        this.redis = redis;
        this.settings = settings;
        this.metrics = metrics;
        this.feedMaxLen = Long.toString(feedMaxLen);
        this.historyMaxLen = Long.toString(retention.maxLen());
        this.historyMaxAgeMillis = Long.toString(retention.maxAge().toMillis());
    }

    /** Appends {@code events}; completes with each one's SSE event ID ({@code <partition>:<entry id>}), in order. */
    public CompletableFuture<List<String>> append(List<NewEvent> events) {
        Map<Integer, List<Integer>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            byPartition.computeIfAbsent(settings.partitions().partitionOf(events.get(i).topic()), p -> new ArrayList<>()).add(i);
        }
        String[] ids = new String[events.size()];
        List<CompletableFuture<Void>> calls = new ArrayList<>(byPartition.size());
        byPartition.forEach((partition, indexes) -> calls.add(appendPartition(partition, events, indexes)
                .thenAccept(entryIds -> {
                    metrics.appended(entryIds.size());
                    for (int k = 0; k < indexes.size(); k++) {
                        ids[indexes.get(k)] = Cursor.of(Map.of(partition, StreamId.parse(entryIds.get(k)))).encode();
                    }
                })));
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> List.of(ids));
    }

    private CompletableFuture<List<String>> appendPartition(int partition, List<NewEvent> events, List<Integer> indexes) {
        String[] keys = new String[1 + indexes.size()];
        String[] args = new String[1 + 6 * indexes.size()];
        keys[0] = settings.keys().feed(partition);
        args[0] = feedMaxLen;
        for (int k = 0; k < indexes.size(); k++) {
            NewEvent e = events.get(indexes.get(k));
            keys[1 + k] = settings.keys().history(partition, e.topic());
            int b = 1 + 6 * k;
            args[b] = e.topic().name();
            args[b + 1] = e.event() == null ? "" : e.event();
            args[b + 2] = e.data();
            args[b + 3] = e.retryMillis() < 0 ? "" : Long.toString(e.retryMillis());
            args[b + 4] = historyMaxLen;
            args[b + 5] = historyMaxAgeMillis;
        }
        return PublishScript.run(redis, keys, args).toCompletableFuture();
    }
}
