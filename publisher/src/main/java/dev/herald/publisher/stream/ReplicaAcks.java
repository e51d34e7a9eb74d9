package dev.herald.publisher.stream;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Makes an acknowledged publish survive a Sentinel failover: after the publish script, {@code WAIT} until
 * at least {@code replicas} replicas have every write this connection made, or fail with
 * {@link NotReplicatedException}. Redis replicates asynchronously, so without this a failover may promote a
 * replica that never received an event the publisher already answered {@code 201} for.
 *
 * <p>{@code WAIT} blocks the connection it is sent on until it answers, and it covers every write sent
 * before it. So waits are coalesced: while one {@code WAIT} is in flight, publishes that complete meanwhile
 * join the next one, sent as soon as the first returns; one round trip to the replicas then confirms a whole
 * group, and a slow or missing replica costs each group one timeout, not each publish.
 *
 * <p>{@code WAIT} holds its connection until it answers, so it runs on a connection of its own: on the shared
 * one, a lagging replica would hold every partition's script calls for up to the timeout. But {@code WAIT}
 * waits only for the writes of its own connection; so each is sent right behind a write on that connection
 * ({@code INCR} of {@link dev.herald.common.redis.KeyLayout#replicationMark()}), which Redis replicates after
 * every publish that completed before it.
 */
public final class ReplicaAcks {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final String markKey;
    private final int replicas;
    private final long timeoutMillis;
    private boolean inFlight;
    private CompletableFuture<Long> next;

    /** @param redis a connection used for nothing else */
    public ReplicaAcks(RedisClusterAsyncCommands<String, String> redis, String markKey, int replicas, Duration timeout) {
        this.redis = redis;
        this.markKey = markKey;
        this.replicas = replicas;
        this.timeoutMillis = timeout.toMillis();
    }

    /** Completes once the writes made so far reached {@code replicas} replicas; call it after the write completed. */
    public CompletableFuture<Void> await() {
        CompletableFuture<Long> acks;
        boolean send;
        synchronized (this) {
            if (next == null) {
                next = new CompletableFuture<>();
            }
            acks = next;
            send = !inFlight;
            if (send) {
                inFlight = true;
                next = null;
            }
        }
        if (send) {
            send(acks);
        }
        return acks.thenAccept(acknowledged -> {
            if (acknowledged < replicas) {
                throw new NotReplicatedException(acknowledged, replicas);
            }
        });
    }

    private void send(CompletableFuture<Long> acks) {
        CompletableFuture<Long> mark = redis.incr(markKey).toCompletableFuture();
        redis.waitForReplication(replicas, timeoutMillis).whenComplete((acknowledged, waitError) -> {
            // The mark was answered before the WAIT behind it; without it the WAIT proved nothing.
            Throwable error = mark.isCompletedExceptionally() ? mark.handle((v, e) -> e).join() : waitError;
            CompletableFuture<Long> waiting;
            synchronized (this) {
                waiting = next;
                next = null;
                inFlight = waiting != null;
            }
            if (waiting != null) {
                send(waiting);
            }
            if (error != null) {
                acks.completeExceptionally(error);
            } else {
                acks.complete(acknowledged);
            }
        });
    }
}
