package dev.herald.gateway.mercure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.redis.KeyLayout;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's active Mercure subscriptions, for the subscriptions API. Each gateway keeps its own in a Redis
 * hash ({@code <prefix>:mercure:subscriptions:<gateway>}, subscription ID to its JSON-LD) with a TTL of three
 * intervals that it renews, and its name in {@code <prefix>:mercure:subscriptions} (sorted by last renewal), so
 * a gateway that dies drops out by itself, as with presence. A stream's subscriptions (one per selector) are
 * written when it opens and deleted when it closes; every interval the whole local set is written again and
 * failed deletions retried, so a Redis outage heals by itself. Thread-safe: the local set is concurrent, Redis
 * commands are asynchronous, the renewal runs on a thread of its own.
 */
public final class SubscriptionRegistry implements AutoCloseable {
    public static final String PATH = "/.well-known/mercure/subscriptions";
    private static final long FORGET_AFTER_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final RedisClusterAsyncCommands<String, String> redis;
    private final String gateways;
    private final String own;
    private final String gateway;
    private final long ttlMillis;
    private final Map<String, String> local = new ConcurrentHashMap<>();
    private final Set<String> removed = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "herald-mercure-subscriptions");
        t.setDaemon(true);
        return t;
    });

    public SubscriptionRegistry(RedisClusterAsyncCommands<String, String> redis, KeyLayout keys, Duration interval) {
        this.redis = redis;
        this.gateways = keys.prefix() + ":mercure:subscriptions";
        this.gateway = UUID.randomUUID().toString(); // unique per process: a restarted gateway starts an empty hash
        this.own = gateways + ":" + gateway;
        this.ttlMillis = 3 * interval.toMillis();
        timer.scheduleWithFixedDelay(this::renew, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A subscription's ID: the API path of its selector and subscriber, each URL-encoded. */
    static String id(String selector, String subscriber) {
        return PATH + "/" + encode(selector) + "/" + encode(subscriber);
    }

    /** Form-encoded as Go's {@code url.QueryEscape}, as Mercure's hub writes these IDs. */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
    }

    /** Registers a new stream's subscriptions; returns its subscriber ID. */
    String add(List<String> selectors) {
        String subscriber = "urn:uuid:" + UUID.randomUUID();
        Map<String, String> entries = new HashMap<>();
        for (String selector : selectors) {
            ObjectNode s = JsonResponses.MAPPER.createObjectNode().put("id", id(selector, subscriber)).put("type", "Subscription")
                    .put("subscriber", subscriber).put("topic", selector).put("active", true);
            entries.put(id(selector, subscriber), s.toString());
        }
        local.putAll(entries);
        redis.hset(own, entries);
        redis.pexpire(own, ttlMillis);
        return subscriber;
    }

    /** Removes a closed stream's subscriptions. */
    void remove(List<String> selectors, String subscriber) {
        String[] ids = selectors.stream().map(s -> id(s, subscriber)).toArray(String[]::new);
        for (String id : ids) {
            local.remove(id);
        }
        redis.hdel(own, ids).whenComplete((n, error) -> {
            if (error != null) {
                removed.addAll(List.of(ids)); // retried by the next renewal
            }
        });
    }

    /** Every gateway's subscriptions, as JSON-LD objects (text), from Redis. */
    CompletableFuture<List<String>> all() {
        long now = System.currentTimeMillis();
        return redis.zrangebyscore(gateways, Range.create(now - ttlMillis, Double.POSITIVE_INFINITY)).toCompletableFuture()
                .thenCompose(names -> {
                    List<CompletableFuture<Map<String, String>>> reads = new ArrayList<>(names.size());
                    for (String name : names) {
                        reads.add(redis.hgetall(gateways + ":" + name).toCompletableFuture());
                    }
                    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(v -> {
                        List<String> all = new ArrayList<>();
                        reads.forEach(r -> all.addAll(r.join().values()));
                        return all;
                    });
                });
    }

    private void renew() {
        if (!removed.isEmpty()) {
            String[] retry = removed.toArray(String[]::new);
            removed.clear();
            redis.hdel(own, retry).whenComplete((n, error) -> {
                if (error != null) {
                    removed.addAll(List.of(retry));
                }
            });
        }
        Map<String, String> snapshot = Map.copyOf(local);
        if (!snapshot.isEmpty()) {
            redis.hset(own, snapshot);
            // A stream that closed since the snapshot may have been deleted before this write put it back.
            String[] gone = snapshot.keySet().stream().filter(id -> !local.containsKey(id)).toArray(String[]::new);
            if (gone.length > 0) {
                redis.hdel(own, gone);
            }
        }
        long now = System.currentTimeMillis();
        redis.pexpire(own, ttlMillis);
        redis.zadd(gateways, now, gateway);
        redis.zremrangebyscore(gateways, Range.create(0, now - FORGET_AFTER_MILLIS));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
