package dev.herald.gateway.mercure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.common.redis.KeyLayout;
import dev.herald.common.redis.PublishScript;
import dev.herald.common.retention.Retention;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Mercure subscription events: for each subscription that comes or goes, a private update to its own ID
 * ({@code /.well-known/mercure/subscriptions/{topic}/{subscriber}}) whose data is its JSON-LD with
 * {@code "active": true|false}, as Mercure's hub publishes them. Appended like every Mercure update, as an event
 * of {@link MercureUpdate#HERALD_TOPIC} by the publish script with that topic's retention, so they have IDs,
 * history and resume like published updates; the gateway runs the script itself because a dead gateway's
 * "gone" events are published by a survivor, and the publisher is not told when a gateway dies.
 * Stateless and thread-safe.
 */
final class SubscriptionEvents {
    static final String CONTEXT = "https://mercure.rocks/";
    /** Events per script call: one call holds Redis for its duration, so a gateway leaving with many streams makes several. */
    private static final int MAX_PER_CALL = 500;
    /** No event here has an idempotency or ID-index key, so the script never uses the window; it wants a positive one. */
    private static final long UNUSED_WINDOW_MILLIS = 1;

    private final RedisClusterAsyncCommands<String, String> redis;
    private final String feed;
    private final String history;
    private final Retention retention;
    private final long feedMaxLen;

    SubscriptionEvents(RedisClusterAsyncCommands<String, String> redis, KeyLayout keys, int partition, Retention retention, long feedMaxLen) {
        this.redis = redis;
        this.feed = keys.feed(partition);
        this.history = keys.history(partition, MercureUpdate.HERALD_TOPIC);
        this.retention = retention;
        this.feedMaxLen = feedMaxLen;
    }

    /**
     * Appends one event per subscription in {@code subscriptions} (JSON-LD as the registry keeps them) with
     * {@code active}; completes when all are in Redis.
     */
    CompletableFuture<Void> publish(List<String> subscriptions, boolean active) {
        List<CompletableFuture<?>> calls = new ArrayList<>();
        List<PublishScript.Append> appends = new ArrayList<>(Math.min(subscriptions.size(), MAX_PER_CALL));
        for (String subscription : subscriptions) {
            appends.add(append(subscription, active));
            if (appends.size() == MAX_PER_CALL) {
                calls.add(PublishScript.run(redis, feed, feedMaxLen, UNUSED_WINDOW_MILLIS, appends).toCompletableFuture());
                appends = new ArrayList<>(MAX_PER_CALL);
            }
        }
        if (!appends.isEmpty()) {
            calls.add(PublishScript.run(redis, feed, feedMaxLen, UNUSED_WINDOW_MILLIS, appends).toCompletableFuture());
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
    }

    private PublishScript.Append append(String subscription, boolean active) {
        ObjectNode stored;
        try {
            stored = (ObjectNode) JsonResponses.MAPPER.readTree(subscription);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalArgumentException("not a subscription: " + subscription, e);
        }
        ObjectNode data = JsonResponses.MAPPER.createObjectNode().put("@context", CONTEXT);
        data.setAll(stored);
        data.put("active", active);
        MercureUpdate update = new MercureUpdate(List.of(stored.path("id").asText()), true, null, data.toString());
        return new PublishScript.Append(history, null, MercureUpdate.HERALD_TOPIC.name(), null, update.encode(), -1,
                retention.maxLen(), retention.maxAge().toMillis(), retention.ttl().toMillis());
    }
}
