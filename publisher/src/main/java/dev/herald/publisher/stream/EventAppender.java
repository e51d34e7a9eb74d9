package dev.herald.publisher.stream;

import dev.herald.common.config.RedisSettings;
import dev.herald.common.event.Cursor;
import dev.herald.common.event.StreamId;
import dev.herald.common.redis.PublishScript;
import dev.herald.common.retention.Retention;
import dev.herald.common.retention.RetentionPolicy;
import dev.herald.publisher.metrics.PublisherMetrics;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Appends events to Redis: groups them by partition and hands each group to its partition's
 * {@link PartitionAppender}, so each script call touches one hash slot and concurrent requests share
 * calls. Events of one partition are appended in request order, each with its topic's retention. With
 * {@link ReplicaAcks}, the answer waits until replicas have the writes.
 */
public final class EventAppender {
    private final RedisSettings settings;
    private final RetentionPolicy retention;
    private final PartitionAppender[] partitions;
    private final ReplicaAcks replicaAcks;
    private final PublisherMetrics metrics;

    /**
     * @param maxEventsPerCall most events one script call carries when it joins requests (a larger request is never split)
     * @param deadlines        runs each request's deadline
     * @param replicaAcks      the replication wait after each append, or {@code null} for none
     */
    public EventAppender(RedisClusterAsyncCommands<String, String> redis, RedisSettings settings, RetentionPolicy retention, long feedMaxLen,
                         Duration idempotencyWindow, int maxEventsPerCall, QueueLimits limits, ScheduledExecutorService deadlines,
                         ReplicaAcks replicaAcks, PublisherMetrics metrics) {
        this.settings = settings;
        this.retention = retention;
        this.partitions = new PartitionAppender[settings.partitions().count()];
        for (int p = 0; p < partitions.length; p++) {
            partitions[p] = new PartitionAppender(redis, p, settings.keys().feed(p), feedMaxLen, idempotencyWindow.toMillis(), maxEventsPerCall,
                    limits, deadlines, metrics::scriptCall);
        }
        this.replicaAcks = replicaAcks;
        this.metrics = metrics;
    }

    /** One request's events of one partition: their places in the request, and what the script gets. */
    private record Group(int partition, List<Integer> indexes, List<PublishScript.Append> appends, long bytes) {
    }

    /**
     * Appends {@code events}; completes with each one's outcome, in order. Throws {@link OverloadedException},
     * having appended nothing, if any of their partitions' queues is full.
     */
    public CompletableFuture<List<Published>> append(List<NewEvent> events) {
        Map<Integer, List<Integer>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            byPartition.computeIfAbsent(settings.partitions().partitionOf(events.get(i).topic()), p -> new ArrayList<>()).add(i);
        }
        List<Group> groups = new ArrayList<>(byPartition.size());
        byPartition.forEach((partition, indexes) -> {
            List<PublishScript.Append> appends = appends(partition, events, indexes);
            groups.add(new Group(partition, indexes, appends, PartitionAppender.bytes(appends)));
        });
        reserveAll(groups);
        Published[] published = new Published[events.size()];
        List<CompletableFuture<Void>> calls = new ArrayList<>(groups.size());
        for (Group group : groups) {
            calls.add(partitions[group.partition()].append(group.appends(), group.bytes()).thenAccept(results -> {
                for (int k = 0; k < group.indexes().size(); k++) {
                    PublishScript.Appended result = results.get(k);
                    String id = Cursor.encodeOne(group.partition(), StreamId.parse(result.entryId()));
                    published[group.indexes().get(k)] = new Published(id, result.duplicate());
                }
                metrics.appended((int) results.stream().filter(r -> !r.duplicate()).count());
            }));
        }
        CompletableFuture<Void> appended = CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
        CompletableFuture<Void> durable = replicaAcks == null ? appended : appended.thenCompose(v -> replicaAcks.await());
        return durable.thenApply(v -> List.of(published));
    }

    /** Reserves room in every partition's queue, or none: a batch is refused whole rather than appended in part. */
    private void reserveAll(List<Group> groups) {
        List<Group> reserved = new ArrayList<>(groups.size());
        try {
            for (Group group : groups) {
                partitions[group.partition()].reserve(group.appends().size(), group.bytes());
                reserved.add(group);
            }
        } catch (OverloadedException e) {
            reserved.forEach(group -> partitions[group.partition()].release(group.appends().size(), group.bytes()));
            throw e;
        }
    }

    private List<PublishScript.Append> appends(int partition, List<NewEvent> events, List<Integer> indexes) {
        List<PublishScript.Append> appends = new ArrayList<>(indexes.size());
        for (int index : indexes) {
            NewEvent e = events.get(index);
            Retention kept = retention.of(e.topic());
            appends.add(new PublishScript.Append(settings.keys().history(partition, e.topic()),
                    e.idempotencyKey() == null ? null : settings.keys().idempotency(partition, e.topic(), e.idempotencyKey()),
                    e.topic().name(), e.event(), e.data(), e.retryMillis(), kept.maxLen(), kept.maxAge().toMillis(), kept.ttl().toMillis(),
                    e.indexedId() == null ? null : settings.keys().idIndex(partition, e.indexedId())));
        }
        return appends;
    }
}
