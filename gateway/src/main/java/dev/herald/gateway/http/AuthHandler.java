package dev.herald.gateway.http;

import dev.herald.common.auth.AuthException;
import dev.herald.common.auth.AuthFailure;
import dev.herald.common.auth.AuthHeaders;
import dev.herald.common.auth.Grant;
import dev.herald.common.auth.TokenVerifier;
import dev.herald.common.auth.TopicPatterns;
import dev.herald.common.http.JsonResponses;
import dev.herald.gateway.auth.AuthSettings;
import dev.herald.gateway.auth.SubscriberGrant;
import dev.herald.gateway.metrics.GatewayMetrics;
import dev.herald.gateway.revocation.RevokedTokens;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Lets a stream request through only if its client may read every topic it asks for.
 *
 * <p>Topics that match {@code herald.auth.public-topics} need nothing. The others need a token, taken from
 * the first of these that is present: an {@code Authorization: Bearer} header, the cookie named by
 * {@code herald.auth.cookie-name}, the {@code accessToken} (or {@code access_token}) query parameter (for browsers'
 * {@code EventSource}, which cannot set headers). The token is verified by the shared {@link TokenVerifier}
 * and its {@code herald.subscribe} patterns must match each of those topics. A request that does not pass
 * gets 401 {@code unauthorized} with the verifier's {@code reason} ({@code token_missing},
 * {@code token_invalid}, {@code token_expired}, {@code token_revoked}, ...; see {@link AuthFailure}) and
 * {@code WWW-Authenticate: Bearer}, or 403 {@code forbidden} (valid, but not for one of the topics).
 * An {@code EventSource} treats either as final and stops reconnecting. That is intended: retrying the
 * same request cannot succeed until the application has a new token.
 *
 * <p>A token whose {@code jti} was revoked ({@link RevokedTokens}) is refused like an expired one, from the
 * gateway's memory: the check costs no Redis round trip.
 *
 * <p>A request that passes carries its {@link SubscriberGrant} in {@link #GRANT}, so that the stream ends
 * when the token stops being honoured ({@code exp} plus the clock skew).
 */
public final class AuthHandler implements HttpHandler {
    /** The grant of an authenticated stream request; absent when all its topics are public. */
    public static final AttachmentKey<SubscriberGrant> GRANT = AttachmentKey.create(SubscriberGrant.class);

    private final TokenVerifier tokens;
    private final TopicPatterns publicTopics;
    private final String cookieName;
    private final Duration clockSkew;
    private final GatewayMetrics metrics;
    private final RevokedTokens revoked;
    private final HttpHandler next;

    /** {@code settings} must be enabled, so that its verifier is set. */
    public AuthHandler(AuthSettings settings, GatewayMetrics metrics, RevokedTokens revoked, HttpHandler next) {
        this.tokens = settings.tokens();
        this.publicTopics = settings.publicTopics();
        this.cookieName = settings.cookieName();
        this.clockSkew = settings.clockSkew();
        this.metrics = metrics;
        this.revoked = revoked;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        // Matched on the requested text, before the stream handler validates it as a topic name, so an
        // invalid name is refused the same way with or without auth.
        List<String> restricted = exchange.getQueryParameters().getOrDefault("topic", new ArrayDeque<>()).stream()
                .filter(t -> !publicTopics.matches(t)).toList();
        if (restricted.isEmpty()) {
            next.handleRequest(exchange); // public topics only (or none, which the stream handler answers)
            return;
        }
        Grant grant;
        try {
            String token = token(exchange);
            if (token == null) {
                throw new AuthException(AuthFailure.TOKEN_MISSING, "a token is required for topic '" + restricted.get(0) + "'");
            }
            grant = tokens.verify(token);
            if (grant.tokenId() != null && revoked.isRevoked(grant.tokenId())) {
                throw new AuthException(AuthFailure.TOKEN_REVOKED, "the token was revoked");
            }
        } catch (AuthException e) {
            unauthorized(exchange, e);
            return;
        }
        for (String topic : restricted) {
            if (!grant.subscribe().matches(topic)) {
                metrics.authFailed("forbidden");
                exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE,
                        AuthHeaders.challenge(AuthHeaders.BEARER, null) + ", error=\"insufficient_scope\"");
                JsonResponses.error(exchange, 403, "forbidden", "the token does not allow subscribing to topic '" + topic + "'");
                return;
            }
        }
        exchange.putAttachment(GRANT, SubscriberGrant.of(grant, clockSkew));
        next.handleRequest(exchange);
    }

    /** The token of the first source that has one: header, cookie, query parameter. */
    private String token(HttpServerExchange exchange) {
        String bearer = AuthHeaders.credentials(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION), AuthHeaders.BEARER);
        if (bearer != null) {
            return bearer; // even empty: the header wins, and the verifier answers token_missing
        }
        Cookie cookie = exchange.getRequestCookie(cookieName);
        if (cookie != null && !cookie.getValue().isEmpty()) {
            return cookie.getValue();
        }
        String query = QueryParameters.first(exchange, QueryParameters.ACCESS_TOKEN);
        return query == null || query.isEmpty() ? null : query;
    }

    private void unauthorized(HttpServerExchange exchange, AuthException e) {
        metrics.authFailed(e.code());
        // RFC 6750: a request without a token gets no error code; a bad token is an invalid_token.
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, AuthHeaders.challenge(AuthHeaders.BEARER, e));
        JsonResponses.send(exchange, 401, JsonResponses.MAPPER.createObjectNode()
                .put("error", "unauthorized").put("reason", e.code()).put("message", e.getMessage()));
    }
}
