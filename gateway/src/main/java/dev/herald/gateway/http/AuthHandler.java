package dev.herald.gateway.http;

import dev.herald.common.http.JsonResponses;
import dev.herald.gateway.auth.AuthenticationException;
import dev.herald.gateway.auth.AuthenticationException.Reason;
import dev.herald.gateway.auth.SubscriberAuthenticator;
import dev.herald.gateway.auth.SubscriberGrant;
import dev.herald.gateway.auth.TopicGlobs;
import dev.herald.gateway.metrics.GatewayMetrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Lets a stream request through only if its client may read every topic it asks for.
 *
 * <p>Topics that match {@code herald.auth.public-topics} need nothing. The others need a token, taken from
 * the first of these that is present: an {@code Authorization: Bearer} header, the cookie named by
 * {@code herald.auth.cookie-name}, the {@code access_token} query parameter (for browsers'
 * {@code EventSource}, which cannot set headers). The token's subscribe patterns must match each of those
 * topics. A request that does not pass gets 401 {@code unauthorized} (token missing, invalid or expired;
 * with {@code WWW-Authenticate: Bearer}) or 403 {@code forbidden} (valid, but not for one of the topics).
 * An {@code EventSource} treats either as final and stops reconnecting. That is intended: retrying the
 * same request cannot succeed until the application has a new token.
 *
 * <p>A request that passes carries its {@link SubscriberGrant} in {@link #GRANT}, so that the stream ends
 * when the token expires.
 */
public final class AuthHandler implements HttpHandler {
    /** The grant of an authenticated stream request; absent when all its topics are public. */
    public static final AttachmentKey<SubscriberGrant> GRANT = AttachmentKey.create(SubscriberGrant.class);
    private static final String REALM = "Bearer realm=\"herald\"";

    private final SubscriberAuthenticator authenticator;
    private final TopicGlobs publicTopics;
    private final String cookieName;
    private final GatewayMetrics metrics;
    private final HttpHandler next;

    public AuthHandler(SubscriberAuthenticator authenticator, TopicGlobs publicTopics, String cookieName, GatewayMetrics metrics,
                       HttpHandler next) {
        this.authenticator = authenticator;
        this.publicTopics = publicTopics;
        this.cookieName = cookieName;
        this.metrics = metrics;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        List<String> restricted = exchange.getQueryParameters().getOrDefault("topic", new ArrayDeque<>()).stream()
                .filter(t -> !publicTopics.matches(t)).toList();
        if (restricted.isEmpty()) {
            next.handleRequest(exchange); // public topics only (or none, which the stream handler answers)
            return;
        }
        String token = token(exchange);
        if (token == null) {
            unauthorized(exchange, Reason.TOKEN_MISSING, "a token is required for topic '" + restricted.get(0) + "'");
            return;
        }
        SubscriberGrant grant;
        try {
            grant = authenticator.authenticate(token);
        } catch (AuthenticationException e) {
            unauthorized(exchange, e.reason(), e.getMessage());
            return;
        }
        for (String topic : restricted) {
            if (!grant.maySubscribe(topic)) {
                metrics.authFailed("forbidden");
                exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, REALM + ", error=\"insufficient_scope\"");
                JsonResponses.error(exchange, 403, "forbidden", "the token does not allow subscribing to topic '" + topic + "'");
                return;
            }
        }
        exchange.putAttachment(GRANT, grant);
        next.handleRequest(exchange);
    }

    /** The token of the first source that has one: header, cookie, query parameter. */
    private String token(HttpServerExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        Cookie cookie = exchange.getRequestCookie(cookieName);
        if (cookie != null && !cookie.getValue().isEmpty()) {
            return cookie.getValue();
        }
        Deque<String> query = exchange.getQueryParameters().get("access_token");
        return query == null || query.getFirst().isEmpty() ? null : query.getFirst();
    }

    private void unauthorized(HttpServerExchange exchange, Reason reason, String message) {
        metrics.authFailed(reason.code());
        // RFC 6750: a request without a token gets no error code; a bad token is an invalid_token.
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE,
                reason == Reason.TOKEN_MISSING ? REALM : REALM + ", error=\"invalid_token\", error_description=\"" + reason.code() + "\"");
        JsonResponses.send(exchange, 401, JsonResponses.MAPPER.createObjectNode()
                .put("error", "unauthorized").put("reason", reason.code()).put("message", message));
    }
}
