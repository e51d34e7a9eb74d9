package dev.herald.publisher.api;

import dev.herald.common.config.RedisSettings;
import dev.herald.common.topic.Topic;
import dev.herald.publisher.auth.Access;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.List;

/**
 * {@code DELETE /v1/topics/{topic}}: removes the topic's retained history at once, for a topic that is done
 * (a finished session, a deleted user) rather than waiting for its TTL. Answers {@code 204}, or {@code 404
 * topic_not_found} when it has none. Needs a grant to publish to the topic. Events of it still in a partition
 * feed may yet reach live subscribers, and its idempotency keys are remembered until their window ends.
 */
public final class TopicDeleteHandler implements HttpHandler {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisSettings settings;
    private final ErrorResponder errors;

    public TopicDeleteHandler(RedisClusterAsyncCommands<String, String> redis, RedisSettings settings, ErrorResponder errors) {
        this.redis = redis;
        this.settings = settings;
        this.errors = errors;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Topic topic = PathTopic.allowed(exchange, (ex, t) -> Access.requirePublish(ex, List.of(t)), errors);
        if (topic == null) {
            return;
        }
        String key = settings.keys().history(settings.partitions().partitionOf(topic), topic);
        IoThread.whenDone(exchange, redis.unlink(key).toCompletableFuture(), errors, removed -> {
            if (removed == 0) {
                errors.answer(exchange, ErrorCode.TOPIC_NOT_FOUND, "topic " + topic.name() + " has no retained history");
            } else {
                exchange.setStatusCode(204);
                exchange.endExchange();
            }
        });
    }
}
