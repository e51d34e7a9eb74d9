package dev.herald.gateway.http;

import io.undertow.server.HttpServerExchange;
import java.util.Deque;

/**
 * The stream's query parameters, by their one spelling (camelCase, as {@code lastEventId} is for
 * {@code EventSource} users and as the JSON fields are) or an older or snake_case alias still accepted:
 * {@code accessToken} (alias {@code access_token}, RFC 6750's name and Herald's first) and
 * {@code lastEventId} (alias {@code last_event_id}). The canonical spelling wins when both are sent.
 */
final class QueryParameters {
    static final String ACCESS_TOKEN = "accessToken";
    static final String LAST_EVENT_ID = "lastEventId";

    private QueryParameters() {
    }

    /** The first value of {@code name}, else of its alias; null if neither is present. */
    static String first(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        if (values == null || values.isEmpty()) {
            values = exchange.getQueryParameters().get(alias(name));
        }
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static String alias(String name) {
        return switch (name) {
            case ACCESS_TOKEN -> "access_token";
            case LAST_EVENT_ID -> "last_event_id";
            default -> throw new IllegalArgumentException("no alias for " + name);
        };
    }
}
