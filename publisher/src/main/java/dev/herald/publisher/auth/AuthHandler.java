package dev.herald.publisher.auth;

import dev.herald.common.auth.AuthException;
import dev.herald.common.auth.AuthFailure;
import dev.herald.common.auth.AuthHeaders;
import dev.herald.common.auth.Grant;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a route behind authentication: reads the credentials, verifies them and attaches the {@link Grant},
 * or answers {@code 401 unauthorized} with the precise {@code reason} and {@code WWW-Authenticate}
 * challenges. Credentials are, in this order: {@code Authorization: Bearer <JWT>},
 * {@code Authorization: ApiKey <key>}, {@code X-Api-Key: <key>}. With authentication off every request gets
 * {@link Grant#UNRESTRICTED}, so routes check topics the same way either way.
 */
public final class AuthHandler {
    private static final HttpString X_API_KEY = new HttpString("X-Api-Key");

    /** Answers refused credentials with a {@code 401}; the challenges are already set. */
    @FunctionalInterface
    public interface Refusal {
        void answer(HttpServerExchange exchange, AuthException refused);
    }

    private final AuthSettings settings;
    private final Refusal refusal;
    private final List<String> missingChallenges = new ArrayList<>();

    public AuthHandler(AuthSettings settings, Refusal refusal) {
        this.settings = settings;
        this.refusal = refusal;
        if (settings.tokens().hasKeys()) {
            missingChallenges.add(AuthHeaders.challenge(AuthHeaders.BEARER, null));
        }
        if (!settings.apiKeys().isEmpty()) {
            missingChallenges.add(AuthHeaders.challenge(AuthHeaders.API_KEY, null));
        }
    }

    /** {@code route}, reached only with a grant attached. */
    public HttpHandler protect(HttpHandler route) {
        if (!settings.enabled()) {
            return exchange -> {
                exchange.putAttachment(Access.GRANT, Grant.UNRESTRICTED);
                route.handleRequest(exchange);
            };
        }
        return exchange -> {
            Grant grant;
            try {
                grant = authenticate(exchange);
            } catch (AuthException e) {
                exchange.getResponseHeaders().putAll(Headers.WWW_AUTHENTICATE, challenges(e));
                refusal.answer(exchange, e);
                return;
            }
            exchange.putAttachment(Access.GRANT, grant);
            route.handleRequest(exchange);
        };
    }

    private Grant authenticate(HttpServerExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (authorization != null) {
            String token = AuthHeaders.credentials(authorization, AuthHeaders.BEARER);
            if (token != null) {
                return settings.tokens().verify(token);
            }
            String key = AuthHeaders.credentials(authorization, AuthHeaders.API_KEY);
            if (key != null) {
                return settings.apiKeys().verify(key);
            }
            throw new AuthException(AuthFailure.TOKEN_MISSING, "the Authorization scheme is not supported; send 'Bearer <token>' or 'ApiKey <key>'");
        }
        String key = exchange.getRequestHeaders().getFirst(X_API_KEY);
        if (key != null) {
            return settings.apiKeys().verify(key);
        }
        throw new AuthException(AuthFailure.TOKEN_MISSING, "credentials are required: send 'Authorization: Bearer <token>'"
                + (settings.apiKeys().isEmpty() ? "" : " or an API key"));
    }

    /** The challenges of every accepted scheme; the refused token's scheme carries the reason. */
    private List<String> challenges(AuthException e) {
        boolean tokenRefused = e.failure() != AuthFailure.TOKEN_MISSING && e.failure() != AuthFailure.API_KEY_INVALID;
        if (!tokenRefused || !settings.tokens().hasKeys()) {
            return missingChallenges;
        }
        List<String> challenges = new ArrayList<>(missingChallenges);
        challenges.set(0, AuthHeaders.challenge(AuthHeaders.BEARER, e));
        return challenges;
    }
}
