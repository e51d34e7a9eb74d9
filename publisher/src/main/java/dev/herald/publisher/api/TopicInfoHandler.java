package dev.herald.publisher.api;

import dev.herald.common.config.RedisSettings;
import dev.herald.common.event.Cursor;
import dev.herald.common.event.StreamId;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.topic.Topic;
import dev.herald.publisher.auth.Access;
import dev.herald.common.retention.Retention;
import dev.herald.common.retention.RetentionPolicy;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.Limit;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v1/topics/{topic}}: the retained history of a topic — its length, first and last event IDs
 * (null when empty), its partition and the retention that applies to it ({@code maxLen}, and {@code maxAge}
 * and {@code ttl}, how long the history stays after its last publish, as ISO-8601 durations; each null when
 * unlimited). A topic nobody published to has length 0. {@code subscribers} counts the streams open on the
 * topic over all gateways (and how many gateways hold them), from what each gateway reported in the last few
 * seconds (see the gateway's {@code PresenceReporter}). Needs a grant to publish or subscribe to the topic.
 */
public final class TopicInfoHandler implements HttpHandler {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisSettings settings;
    private final RetentionPolicy retention;
    private final ErrorResponder errors;

    public TopicInfoHandler(RedisClusterAsyncCommands<String, String> redis, RedisSettings settings, RetentionPolicy retention,
                            ErrorResponder errors) {
        this.redis = redis;
        this.settings = settings;
        this.retention = retention;
        this.errors = errors;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Topic topic = PathTopic.allowed(exchange, Access::requireAny, errors);
        if (topic == null) {
            return;
        }
        int partition = settings.partitions().partitionOf(topic);
        String key = settings.keys().history(partition, topic);
        CompletableFuture<Long> length = redis.xlen(key).toCompletableFuture();
        CompletableFuture<List<StreamMessage<String, String>>> first = redis.xrange(key, Range.unbounded(), Limit.from(1)).toCompletableFuture();
        CompletableFuture<List<StreamMessage<String, String>>> last = redis.xrevrange(key, Range.unbounded(), Limit.from(1)).toCompletableFuture();
        CompletableFuture<Map<String, Object>> subscribers = subscribers(topic);
        IoThread.whenDone(exchange, CompletableFuture.allOf(length, first, last, subscribers), errors, v -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("topic", topic.name());
            body.put("partition", partition);
            body.put("length", length.join());
            body.put("firstId", eventId(partition, first.join()));
            body.put("lastId", eventId(partition, last.join()));
            body.put("retention", retention(topic));
            body.put("subscribers", subscribers.join());
            JsonResponses.send(exchange, 200, body);
        });
    }

    /** The streams on {@code topic} each reporting gateway holds, summed: one read per gateway, whatever the topics. */
    private CompletableFuture<Map<String, Object>> subscribers(Topic topic) {
        return redis.zrange(settings.keys().presence(), 0, -1).toCompletableFuture().thenCompose(gateways -> {
            List<CompletableFuture<String>> counts = gateways.stream()
                    .map(g -> redis.hget(settings.keys().presence(g), topic.name()).toCompletableFuture()).toList();
            return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)).thenApply(v -> {
                long streams = 0;
                int holding = 0;
                for (CompletableFuture<String> c : counts) {
                    String n = c.join();
                    if (n != null) { // an expired report (a gateway that died) is absent
                        streams += Long.parseLong(n);
                        holding++;
                    }
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("streams", streams);
                body.put("gateways", holding);
                return body;
            });
        });
    }

    private Map<String, Object> retention(Topic topic) {
        Retention kept = retention.of(topic);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("maxLen", kept.maxLen() == 0 ? null : kept.maxLen());
        body.put("maxAge", kept.maxAge().isZero() ? null : kept.maxAge().toString());
        body.put("ttl", kept.ttl().isZero() ? null : kept.ttl().toString());
        return body;
    }

    private static String eventId(int partition, List<StreamMessage<String, String>> messages) {
        return messages.isEmpty() ? null : Cursor.encodeOne(partition, StreamId.parse(messages.get(0).getId()));
    }
}
