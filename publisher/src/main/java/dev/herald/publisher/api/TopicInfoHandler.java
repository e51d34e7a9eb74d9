package dev.herald.publisher.api;

import dev.herald.common.config.RedisSettings;
import dev.herald.common.event.Cursor;
import dev.herald.common.event.StreamId;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.topic.Topic;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.Limit;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v1/topics/{topic}}: the retained history of a topic — its length, first and last event IDs
 * (null when empty) and its partition. A topic nobody published to has length 0.
 */
public final class TopicInfoHandler implements HttpHandler {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisSettings settings;
    private final ErrorResponder errors;

    public TopicInfoHandler(RedisClusterAsyncCommands<String, String> redis, RedisSettings settings, ErrorResponder errors) {
        this.redis = redis;
        this.settings = settings;
        this.errors = errors;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Topic topic;
        try {
            topic = PathTopic.of(exchange);
        } catch (ApiException e) {
            errors.answer(exchange, e.code(), e.getMessage());
            return;
        }
        int partition = settings.partitions().partitionOf(topic);
        String key = settings.keys().history(partition, topic);
        CompletableFuture<Long> length = redis.xlen(key).toCompletableFuture();
        CompletableFuture<List<StreamMessage<String, String>>> first = redis.xrange(key, Range.unbounded(), Limit.from(1)).toCompletableFuture();
        CompletableFuture<List<StreamMessage<String, String>>> last = redis.xrevrange(key, Range.unbounded(), Limit.from(1)).toCompletableFuture();
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> CompletableFuture.allOf(length, first, last).whenComplete((v, error) -> {
            if (error != null) {
                errors.fail(exchange, error);
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("topic", topic.name());
            body.put("partition", partition);
            body.put("length", length.join());
            body.put("firstId", eventId(partition, first.join()));
            body.put("lastId", eventId(partition, last.join()));
            JsonResponses.send(exchange, 200, body);
        }));
    }

    private static String eventId(int partition, List<StreamMessage<String, String>> messages) {
        return messages.isEmpty() ? null : Cursor.of(Map.of(partition, StreamId.parse(messages.get(0).getId()))).encode();
    }
}
