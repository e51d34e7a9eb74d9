package dev.herald.publisher.api;

import dev.herald.common.topic.Topic;
import dev.herald.publisher.stream.EventAppender;
import dev.herald.publisher.stream.NewEvent;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.List;
import java.util.Map;

/** {@code POST /v1/topics/{topic}/events}: appends one event, answers {@code 201 {"id", "topic"}}. */
public final class PublishHandler implements HttpHandler {
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
            NewEvent event = parser.parseOne(topic, body);
            return appender.append(List.of(event)).thenApply(ids ->
                    new BodyReader.Answer(201, Map.of("id", ids.get(0), "topic", topic.name())));
        });
    }
}
