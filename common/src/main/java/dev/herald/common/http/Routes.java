package dev.herald.common.http;

import io.undertow.server.HttpHandler;

/** Answers for requests that match no route, shared by every listener. */
public final class Routes {
    public static final HttpHandler NOT_FOUND = exchange ->
            JsonResponses.error(exchange, 404, "not_found", "no route for " + exchange.getRequestPath());
    public static final HttpHandler METHOD_NOT_ALLOWED = exchange ->
            JsonResponses.error(exchange, 405, "method_not_allowed",
                    exchange.getRequestMethod() + " is not allowed on " + exchange.getRequestPath());

    private Routes() {
    }
}
