package dev.herald.publisher.api;

import dev.herald.common.topic.Topic;
import dev.herald.publisher.auth.AccessDeniedException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.PathTemplateMatch;
import java.util.function.BiConsumer;

/**
 * The validated {@code {topic}} segment of a route's path. Read from the route match, not from the query
 * parameters: Undertow's routing adds path parameters to the query parameters after those of the query
 * string, so a {@code ?topic=other} would otherwise win over the path.
 */
final class PathTopic {
    private PathTopic() {
    }

    static Topic of(HttpServerExchange exchange) {
        return EventParser.topic(exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY).getParameters().get("topic"));
    }

    /** The topic if it is valid and {@code access} allows it; else answers the refusal and returns null. */
    static Topic allowed(HttpServerExchange exchange, BiConsumer<HttpServerExchange, Topic> access, ErrorResponder errors) {
        try {
            Topic topic = of(exchange);
            access.accept(exchange, topic);
            return topic;
        } catch (ApiException | AccessDeniedException e) {
            errors.fail(exchange, e);
            return null;
        }
    }
}
