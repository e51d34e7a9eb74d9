package dev.herald.gateway.mercure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.redis.KeyLayout;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's active Mercure subscriptions, for the subscriptions API and subscription events. Each gateway
 * keeps its own in a Redis hash ({@link KeyLayout#mercureSubscriptions(String)}, subscription ID to its JSON-LD)
 * and its name in {@link KeyLayout#mercureSubscriptions()}, scored by its last renewal. A stream's subscriptions
 * (one per selector) are written when it opens and deleted when it closes, each with its subscription event
 * ({@link SubscriptionEvents}); every interval the whole local set is written again and failed deletions
 * retried, so a Redis outage heals by itself. The hash has no TTL: a gateway that stops renewing for three
 * intervals is dead, and a survivor publishes its subscriptions gone and deletes them
 * ({@link SubscriptionReaper}, run after each renewal). A subscription's "gone" event is published by whoever
 * removes it from the local set (its stream's close, or {@link #close()}), so once.
 *
 * <p>Thread-safe: the local set is concurrent, Redis commands are asynchronous, the renewal and the reaper run
 * on a timer thread of their own.
 */
public final class SubscriptionRegistry implements AutoCloseable {
    public static final String PATH = "/.well-known/mercure/subscriptions";
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRegistry.class);
    /** How long {@link #close()} waits for its "gone" events; after that they are left to a survivor's reaper. */
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    private final RedisClusterAsyncCommands<String, String> redis;
    private final SubscriptionEvents events;
    private final SubscriptionReaper reaper;
    private final String gateways;
    private final String own;
    private final String gateway;
    private final long staleMillis;
    private final Map<String, String> local = new ConcurrentHashMap<>();
    private final Set<String> removed = ConcurrentHashMap.newKeySet();
    /** Whether Redis has confirmed a renewal yet: set in the renewals' callbacks, which run one after another. */
    private volatile boolean registered;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "herald-mercure-subscriptions");
        t.setDaemon(true);
        return t;
    });

    SubscriptionRegistry(RedisClusterAsyncCommands<String, String> redis, KeyLayout keys, Duration interval, SubscriptionEvents events) {
        this.redis = redis;
        this.events = events;
        this.gateways = keys.mercureSubscriptions();
        this.gateway = UUID.randomUUID().toString(); // unique per process: a restarted gateway starts an empty hash
        this.own = keys.mercureSubscriptions(gateway);
        this.staleMillis = 3 * interval.toMillis();
        this.reaper = new SubscriptionReaper(redis, keys, events, staleMillis);
        timer.scheduleWithFixedDelay(this::renew, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The registry of the gateway's Mercure streams, publishing their subscription events as updates of the
     * Mercure topic (in {@code partition}) with {@code settings}' retention.
     */
    public static SubscriptionRegistry start(RedisClusterAsyncCommands<String, String> redis, KeyLayout keys, Duration interval,
                                             MercureSettings settings, int partition) {
        return new SubscriptionRegistry(redis, keys, interval,
                new SubscriptionEvents(redis, keys, partition, settings.retention(), settings.feedMaxLen()));
    }

    /** A subscription's ID: the API path of its selector and subscriber, each URL-encoded. */
    static String id(String selector, String subscriber) {
        return PATH + "/" + encode(selector) + "/" + encode(subscriber);
    }

    /** Form-encoded as Go's {@code url.QueryEscape}, as Mercure's hub writes these IDs. */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
    }

    /**
     * Registers a new stream's subscriptions and publishes them active; returns its subscriber ID.
     *
     * @param payload the token's {@code mercure.payload}, shown in each subscription, or {@code null}
     */
    String add(List<String> selectors, JsonNode payload) {
        String subscriber = "urn:uuid:" + UUID.randomUUID();
        Map<String, String> entries = new LinkedHashMap<>();
        for (String selector : selectors) {
            ObjectNode s = JsonResponses.MAPPER.createObjectNode().put("id", id(selector, subscriber)).put("type", "Subscription")
                    .put("subscriber", subscriber).put("topic", selector).put("active", true);
            if (payload != null) {
                s.set("payload", payload);
            }
            entries.put(id(selector, subscriber), s.toString());
        }
        local.putAll(entries);
        redis.hset(own, entries);
        announce(List.copyOf(entries.values()), true);
        return subscriber;
    }

    /** Removes a closed stream's subscriptions and publishes them gone (those {@link #close()} has not taken). */
    void remove(List<String> selectors, String subscriber) {
        String[] ids = selectors.stream().map(s -> id(s, subscriber)).toArray(String[]::new);
        List<String> gone = new ArrayList<>(ids.length);
        for (String id : ids) {
            String s = local.remove(id);
            if (s != null) {
                gone.add(s);
            }
        }
        redis.hdel(own, ids).whenComplete((n, error) -> {
            if (error != null) {
                removed.addAll(List.of(ids)); // retried by the next renewal
            }
        });
        announce(gone, false);
    }

    private CompletableFuture<Void> announce(List<String> subscriptions, boolean active) {
        if (subscriptions.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return events.publish(subscriptions, active).whenComplete((done, error) -> {
            if (error != null) {
                LOG.warn("could not publish {} Mercure subscription event(s) (active: {}): {}", subscriptions.size(), active, error.toString());
            }
        });
    }

    /** Every gateway's subscriptions, as JSON-LD objects (text), from Redis. */
    CompletableFuture<List<String>> all() {
        long now = System.currentTimeMillis();
        return redis.zrangebyscore(gateways, Range.create(now - staleMillis, Double.POSITIVE_INFINITY)).toCompletableFuture()
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
        redis.zadd(gateways, System.currentTimeMillis(), gateway).thenAccept(added -> {
            boolean reaped = added == 1 && registered;
            registered = true;
            if (reaped) {
                // A survivor took this gateway for dead (a pause or clock skew beyond the staleness period) and
                // published its subscriptions gone; the write above put them back, so they are active again.
                LOG.warn("this gateway's Mercure subscriptions were reaped as a dead gateway's; publishing them active again");
                announce(snapshot.keySet().stream().map(local::get).filter(Objects::nonNull).toList(), true);
            }
        });
        reaper.reap(gateway);
    }

    /**
     * Stops renewing and leaves the registry: publishes the subscriptions still open as gone and deletes the
     * hash and the entry. If Redis does not confirm within {@link #CLOSE_WAIT_MILLIS}, both stay and a
     * survivor's reaper publishes what is left once this gateway counts as dead. Call after the streams closed.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            List<String> left = new ArrayList<>();
            for (String id : List.copyOf(local.keySet())) {
                String s = local.remove(id);
                if (s != null) {
                    left.add(s);
                }
            }
            announce(left, false)
                    .thenCompose(v -> redis.del(own).toCompletableFuture())
                    .thenCompose(v -> redis.zrem(gateways, gateway).toCompletableFuture())
                    .get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not leave the Mercure subscription registry ({}); another gateway will publish what is left as gone", e.toString());
        }
    }
}
