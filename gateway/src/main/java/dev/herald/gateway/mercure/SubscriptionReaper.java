package dev.herald.gateway.mercure;

import dev.herald.common.redis.KeyLayout;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the "gone" events of gateways that died with Mercure subscriptions: a gateway that has not renewed
 * its entry in the registry for the staleness period is dead; a survivor claims its subscriptions with one
 * script ({@code herald/mercure-reap.lua}: remove the entry, take and delete the hash, atomically, so of all
 * the gateways reaping exactly one gets them) and publishes {@code active: false} for each. One pass per
 * renewal interval, a range read of a small sorted set; the script runs only for a gateway found dead.
 * Called on the registry's timer thread; keeps no state of its own.
 *
 * <p>A gateway declared dead while alive (paused for longer than the staleness period, or its clock far behind
 * the others') finds itself missing at its next renewal and announces its subscriptions again
 * ({@link SubscriptionRegistry}).
 */
final class SubscriptionReaper {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionReaper.class);
    private static final String SCRIPT = source("/herald/mercure-reap.lua");

    private final RedisClusterAsyncCommands<String, String> redis;
    private final KeyLayout keys;
    private final SubscriptionEvents events;
    private final long staleMillis;

    SubscriptionReaper(RedisClusterAsyncCommands<String, String> redis, KeyLayout keys, SubscriptionEvents events, long staleMillis) {
        this.redis = redis;
        this.keys = keys;
        this.events = events;
        this.staleMillis = staleMillis;
    }

    /** Reaps every gateway but {@code self} whose last renewal is older than the staleness period. */
    void reap(String self) {
        long cutoff = System.currentTimeMillis() - staleMillis;
        redis.zrangebyscore(keys.mercureSubscriptions(), Range.create(0, cutoff)).thenAccept(dead -> {
            for (String gateway : dead) {
                if (!gateway.equals(self)) {
                    claim(gateway, cutoff);
                }
            }
        });
    }

    /**
     * Claims {@code gateway}'s subscriptions and publishes them gone. Sent with EVAL, not EVALSHA: it runs once per
     * dead gateway, and Redis caches it anyway. If the append fails after the claim, or this gateway dies in
     * between, those events are lost (logged); the registry itself is right either way.
     */
    private void claim(String gateway, long cutoff) {
        redis.<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI,
                        new String[] {keys.mercureSubscriptions(), keys.mercureSubscriptions(gateway)}, gateway, Long.toString(cutoff))
                .thenCompose(claimed -> {
                    List<String> subscriptions = claimed.stream().map(String.class::cast).toList();
                    if (!subscriptions.isEmpty()) {
                        LOG.info("gateway {} stopped renewing its Mercure subscriptions: publishing {} as gone", gateway, subscriptions.size());
                    }
                    return subscriptions.isEmpty() ? CompletableFuture.completedFuture(null) : events.publish(subscriptions, false);
                })
                .whenComplete((done, error) -> {
                    if (error != null) {
                        LOG.warn("could not reap the Mercure subscriptions of gateway {}: {}", gateway, error.toString());
                    }
                });
    }

    private static String source(String resource) {
        try (InputStream in = SubscriptionReaper.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
