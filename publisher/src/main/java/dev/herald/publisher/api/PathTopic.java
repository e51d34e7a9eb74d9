package dev.herald.publisher.api;

import dev.herald.common.topic.Topic;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.PathTemplateMatch;

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
}
