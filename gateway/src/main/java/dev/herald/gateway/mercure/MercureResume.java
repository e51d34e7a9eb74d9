package dev.herald.gateway.mercure;

import dev.herald.common.event.StreamId;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.common.redis.KeyLayout;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * Turns a Mercure {@code Last-Event-ID} into a position in the Mercure topic's partition: {@code earliest}
 * is the start of history; a generated ID ({@code urn:herald:<entry>}) is its entry; any other ID is looked up
 * in the ID index the publish script keeps ({@code <prefix>:{p<n>}:id:<id>}, the latest entry published with
 * it). An unknown ID resolves to {@code null}: the stream starts live, as Mercure's hub does. Thread-safe.
 */
public final class MercureResume {
    static final String EARLIEST = "earliest";

    private final RedisClusterAsyncCommands<String, String> redis;
    private final KeyLayout keys;
    private final int partition;

    public MercureResume(RedisClusterAsyncCommands<String, String> redis, KeyLayout keys, int partition) {
        this.redis = redis;
        this.keys = keys;
        this.partition = partition;
    }

    /** Known without Redis: {@code earliest} or a generated ID; else {@code null}, and {@link #lookUp} is needed. */
    static StreamId direct(String lastEventId) {
        if (EARLIEST.equals(lastEventId)) {
            return StreamId.ZERO;
        }
        return MercureUpdate.generatedPosition(lastEventId);
    }

    /** The entry a publisher-supplied ID names, or {@code null} if the index has none. */
    CompletableFuture<StreamId> lookUp(String lastEventId) {
        return redis.get(keys.idIndex(partition, lastEventId)).toCompletableFuture()
                .thenApply(entry -> entry == null ? null : StreamId.parse(entry));
    }
}
