package dev.herald.publisher.stream;

import dev.herald.common.redis.KeyLayout;
import dev.herald.common.revocation.Revocation;
import io.lettuce.core.Range;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a disconnect request where every gateway finds it: a revoked token ID first into
 * {@code <prefix>:revoked-tokens} (scored by when it stops mattering; older entries are pruned on the way),
 * then the request into the control stream {@code <prefix>:revocations}, which the gateways tail. In that
 * order, a gateway starting meanwhile either loads the ID or reads the entry. Thread-safe (Lettuce's
 * shared connection).
 */
public final class RevocationWriter {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final KeyLayout keys;

    public RevocationWriter(RedisClusterAsyncCommands<String, String> redis, KeyLayout keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Completes once Redis holds the request. */
    public CompletableFuture<Void> write(Revocation revocation) {
        CompletableFuture<?> stored = CompletableFuture.completedFuture(null);
        if (revocation.by() == Revocation.By.JTI) {
            long until = revocation.refusedUntil().toEpochMilli();
            stored = redis.zremrangebyscore(keys.revokedTokens(), Range.create(Double.NEGATIVE_INFINITY, (double) System.currentTimeMillis()))
                    .thenCompose(pruned -> redis.zadd(keys.revokedTokens(), (double) until, revocation.value()))
                    .toCompletableFuture();
        }
        return stored.thenCompose(done -> redis.xadd(keys.revocations(),
                        XAddArgs.Builder.maxlen(Revocation.STREAM_MAX_LEN).approximateTrimming(), revocation.fields()))
                .thenApply(id -> null);
    }
}
