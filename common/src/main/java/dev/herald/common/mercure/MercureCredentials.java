package dev.herald.common.mercure;

import dev.herald.common.auth.AuthHeaders;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.Headers;
import java.util.Deque;

/**
 * Where a Mercure request's token comes from, in the protocol's order: {@code Authorization: Bearer}, then
 * the {@code authorization} query parameter (for clients that cannot set headers, such as
 * {@code EventSource}), then the {@code mercureAuthorization} cookie.
 */
public final class MercureCredentials {
    public static final String COOKIE = "mercureAuthorization";
    public static final String QUERY_PARAMETER = "authorization";

    private MercureCredentials() {
    }

    /** The token, or {@code null} if the request carries none. */
    public static String token(HttpServerExchange exchange) {
        String bearer = AuthHeaders.credentials(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION), AuthHeaders.BEARER);
        if (bearer != null) {
            return bearer;
        }
        Deque<String> query = exchange.getQueryParameters().get(QUERY_PARAMETER);
        if (query != null && !query.isEmpty()) {
            return query.getFirst();
        }
        Cookie cookie = exchange.getRequestCookie(COOKIE);
        return cookie == null ? null : cookie.getValue();
    }
}
