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
 *
 * @param token      the token
 * @param fromCookie true if it came in the cookie, which a browser also sends on requests another site makes
 */
public record MercureCredentials(String token, boolean fromCookie) {
    public static final String COOKIE = "mercureAuthorization";
    public static final String QUERY_PARAMETER = "authorization";

    /** The request's credentials, or {@code null} if it carries none. */
    public static MercureCredentials of(HttpServerExchange exchange) {
        String bearer = AuthHeaders.credentials(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION), AuthHeaders.BEARER);
        if (bearer != null) {
            return new MercureCredentials(bearer, false);
        }
        Deque<String> query = exchange.getQueryParameters().get(QUERY_PARAMETER);
        if (query != null && !query.isEmpty()) {
            return new MercureCredentials(query.getFirst(), false);
        }
        Cookie cookie = exchange.getRequestCookie(COOKIE);
        return cookie == null ? null : new MercureCredentials(cookie.getValue(), true);
    }
}
