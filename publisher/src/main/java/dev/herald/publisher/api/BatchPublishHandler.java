package dev.herald.publisher.api;

import dev.herald.publisher.auth.Access;
import dev.herald.publisher.stream.EventAppender;
import dev.herald.publisher.stream.NewEvent;
import dev.herald.publisher.stream.Published;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/events}: appends a batch, answers {@code {"events": [{"topic", "id", "duplicate"}, ...]}} in
 * request order: {@code 201} if anything was appended, {@code 200} if every item was a retry of an
 * idempotency key already used. The batch is validated, and its topics authorised, whole before anything is
 * appended.
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
            Access.requirePublish(ex, events.stream().map(NewEvent::topic).distinct().toList());
            return appender.append(events).thenApply(published -> {
                List<PublishedItem> items = new ArrayList<>(published.size());
                boolean appended = false;
                for (int i = 0; i < published.size(); i++) {
                    Published one = published.get(i);
                    items.add(PublishedItem.of(events.get(i).topic(), one));
                    appended |= !one.duplicate();
                }
                return new BodyReader.Answer(appended ? 201 : 200, Map.of("events", items));
            });
        });
    }
}
