package dev.herald.publisher.api;

import dev.herald.common.topic.Topic;
import dev.herald.publisher.auth.Access;
import dev.herald.publisher.stream.EventAppender;
import dev.herald.publisher.stream.NewEvent;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.List;

/**
 * {@code POST /v1/topics/{topic}/events}: appends one event, answers {@code 201 {"id", "topic", "duplicate": false}};
 * a retry with an {@code Idempotency-Key} already used within the window answers {@code 200} with the first
 * publish's ID and {@code "duplicate": true}, having appended nothing.
 */
public final class PublishHandler implements HttpHandler {
    static final HttpString IDEMPOTENCY_KEY = new HttpString("Idempotency-Key");

    private final BodyReader bodies;
    private final EventParser parser;
    private final EventAppender appender;

    public PublishHandler(BodyReader bodies, EventParser parser, EventAppender appender) {
        this.bodies = bodies;
        this.parser = parser;
        this.appender = appender;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        bodies.read(exchange, (ex, body) -> {
            Topic topic = PathTopic.of(ex);
            Access.requirePublish(ex, List.of(topic));
            NewEvent event = parser.parseOne(topic, body, ex.getRequestHeaders().getFirst(IDEMPOTENCY_KEY));
            return appender.append(List.of(event)).thenApply(published -> {
                PublishedItem item = PublishedItem.of(topic, published.get(0));
                return new BodyReader.Answer(item.duplicate() ? 200 : 201, item);
            });
        });
    }
}
