package dev.herald.common.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/**
 * Cross-origin resource sharing (the Fetch standard's CORS protocol) in front of a service's routes.
 *
 * <ul>
 *   <li>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) is
 *       answered here, {@code 204}, without reaching the routes: it carries no credentials, so it must not
 *       meet authentication. An allowed origin gets the allowed methods, headers and max age; any other gets
 *       no CORS header, which makes the browser refuse the real request.</li>
 *   <li>Any other request from an allowed origin goes on to the routes with {@code Access-Control-Allow-Origin}
 *       (and the exposed headers) already set, so every answer, errors included, is readable by the page.</li>
 *   <li>{@code Access-Control-Allow-Credentials: true} only for origins listed by name, never for {@code *}.</li>
 *   <li>Every answer carries {@code Vary: Origin}, so a cache never serves one origin's answer to another.</li>
 * </ul>
 */
public final class CorsHandler implements HttpHandler {
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_CREDENTIALS = new HttpString("Access-Control-Allow-Credentials");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");
    private static final HttpString REQUEST_METHOD = new HttpString("Access-Control-Request-Method");

    private final CorsPolicy policy;
    private final HttpHandler next;
    private final String maxAgeSeconds;

    private CorsHandler(CorsPolicy policy, HttpHandler next) {
        this.policy = policy;
        this.next = next;
        this.maxAgeSeconds = Long.toString(policy.maxAge().toSeconds());
    }

    /** {@code next} behind CORS handling, or {@code next} itself when the policy allows no origin. */
    public static HttpHandler wrap(CorsPolicy policy, HttpHandler next) {
        return policy.enabled() ? new CorsHandler(policy, next) : next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HeaderMap response = exchange.getResponseHeaders();
        response.add(Headers.VARY, "Origin");
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        boolean allowed = origin != null && policy.allows(origin);
        if (origin != null && exchange.getRequestMethod().equals(Methods.OPTIONS) && exchange.getRequestHeaders().contains(REQUEST_METHOD)) {
            response.add(Headers.VARY, "Access-Control-Request-Method").add(Headers.VARY, "Access-Control-Request-Headers");
            if (allowed) {
                allowOrigin(response, origin);
                response.put(ALLOW_METHODS, policy.allowMethods())
                        .put(ALLOW_HEADERS, policy.allowHeaders())
                        .put(MAX_AGE, maxAgeSeconds);
            }
            exchange.setStatusCode(204);
            exchange.endExchange();
            return;
        }
        if (allowed) {
            allowOrigin(response, origin);
            if (!policy.exposeHeaders().isEmpty()) {
                response.put(EXPOSE_HEADERS, policy.exposeHeaders());
            }
        }
        next.handleRequest(exchange);
    }

    private void allowOrigin(HeaderMap response, String origin) {
        if (policy.listed(origin)) {
            response.put(ALLOW_ORIGIN, origin).put(ALLOW_CREDENTIALS, "true");
        } else {
            response.put(ALLOW_ORIGIN, "*");
        }
    }
}
