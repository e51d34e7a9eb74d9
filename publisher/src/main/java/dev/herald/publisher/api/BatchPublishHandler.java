package dev.herald.publisher.api;

import dev.herald.publisher.stream.EventAppender;
import dev.herald.publisher.stream.NewEvent;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/events}: appends a batch, answers {@code 201 {"events": [{"id", "topic"}, ...]}} in
 * request order. The batch is validated whole before anything is appended.
 */
public final class BatchPublishHandler implements HttpHandler {
    private final BodyReader bodies;
    private final EventParser parser;
    private final EventAppender appender;

    public BatchPublishHandler(BodyReader bodies, EventParser parser, EventAppender appender) {
        this.bodies = bodies;
        this.parser = parser;
        this.appender = appender;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        bodies.read(exchange, (ex, body) -> {
            List<NewEvent> events = parser.parseBatch(body);
            return appender.append(events).thenApply(ids -> {
                List<Map<String, String>> items = new ArrayList<>(ids.size());
                for (int i = 0; i < ids.size(); i++) {
                    items.add(Map.of("id", ids.get(i), "topic", events.get(i).topic().name()));
                }
                return new BodyReader.Answer(201, Map.of("events", items));
            });
        });
    }
}
