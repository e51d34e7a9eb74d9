package dev.herald.publisher.api;

import dev.herald.common.config.RedisSettings;
import dev.herald.common.event.Cursor;
import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.redis.EntryFields;
import dev.herald.common.topic.Topic;
import dev.herald.publisher.auth.Access;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v1/topics/{topic}/events}: a page of a topic's retained history as JSON, so an app can render
 * what happened before it subscribes (then subscribe with {@code Last-Event-ID} set to the newest ID it
 * rendered, and miss nothing). {@code after=<event id>} reads oldest first after that event, {@code before=<event
 * id>} newest first before it, neither newest first from the end; {@code limit} is 1 to 1000 (100). The
 * answer's {@code next} is the ID to pass as the same parameter for the following page, null once history is
 * exhausted. Needs a grant to publish or subscribe to the topic, like {@code GET /v1/topics/{topic}}.
 */
public final class TopicEventsHandler implements HttpHandler {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisSettings settings;
    private final ErrorResponder errors;

    public TopicEventsHandler(RedisClusterAsyncCommands<String, String> redis, RedisSettings settings, ErrorResponder errors) {
        this.redis = redis;
        this.settings = settings;
        this.errors = errors;
    }

    /** Which way a page reads and from where ({@code from} null: the end of history). */
    private record Page(boolean newestFirst, StreamId from, int limit) {
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Topic topic = PathTopic.allowed(exchange, Access::requireAny, errors);
        if (topic == null) {
            return;
        }
        int partition = settings.partitions().partitionOf(topic);
        Page page;
        try {
            page = page(exchange, partition);
        } catch (ApiException e) {
            errors.fail(exchange, e);
            return;
        }
        String key = settings.keys().history(partition, topic);
        Limit count = Limit.from(page.limit());
        CompletableFuture<List<StreamMessage<String, String>>> read = (page.newestFirst()
                ? redis.xrevrange(key, Range.create("-", page.from() == null ? "+" : "(" + page.from()), count)
                : redis.xrange(key, Range.create("(" + page.from(), "+"), count)).toCompletableFuture();
        IoThread.whenDone(exchange, read, errors, messages -> {
            List<Map<String, Object>> events = new ArrayList<>(messages.size());
            for (StreamMessage<String, String> m : messages) {
                events.add(json(partition, EntryFields.toEvent(topic, StreamId.parse(m.getId()), m.getBody())));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("topic", topic.name());
            body.put("order", page.newestFirst() ? "newest_first" : "oldest_first");
            body.put("events", events);
            body.put("next", messages.size() < page.limit() ? null : events.get(events.size() - 1).get("id"));
            JsonResponses.send(exchange, 200, body);
        });
    }

    private Page page(HttpServerExchange exchange, int partition) {
        String after = single(exchange, "after");
        String before = single(exchange, "before");
        if (after != null && before != null) {
            throw new ApiException(ErrorCode.INVALID_QUERY, "give 'after' or 'before', not both");
        }
        String limitText = single(exchange, "limit");
        int limit = DEFAULT_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new ApiException(ErrorCode.INVALID_QUERY, "'limit' must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        if (after != null) {
            return new Page(false, position(after, "after", partition), limit);
        }
        return new Page(true, before == null ? null : position(before, "before", partition), limit);
    }

    /** The stream ID inside an event ID of this topic's partition ({@code <partition>:<ms>-<seq>}). */
    private StreamId position(String eventId, String name, int partition) {
        Cursor cursor;
        try {
            cursor = Cursor.parse(eventId, settings.partitions().count());
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_QUERY, "'" + name + "' is not an event ID: " + e.getMessage());
        }
        StreamId id = cursor.position(partition);
        if (id == null || cursor.positions().size() != 1) {
            throw new ApiException(ErrorCode.INVALID_QUERY, "'" + name + "' is not an event ID of this topic (its partition is " + partition + ")");
        }
        return id;
    }

    private static String single(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() || values.getFirst().isEmpty() ? null : values.getFirst();
    }

    private static Map<String, Object> json(int partition, Event e) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", Cursor.encodeOne(partition, e.id()));
        event.put("event", e.event() == null ? "message" : e.event());
        event.put("data", e.data());
        event.put("retry", e.retryMillis() < 0 ? null : e.retryMillis());
        event.put("publishedAt", e.publishedMicros() <= 0 ? null
                : Instant.ofEpochSecond(e.publishedMicros() / 1_000_000, (e.publishedMicros() % 1_000_000) * 1000).toString());
        return event;
    }
}
