package dev.herald.gateway.http;

import dev.herald.common.http.JsonResponses;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for the origins of {@code herald.cors.allowed-origins}, and for no other.
 *
 * <p>A request from a listed origin gets {@code Access-Control-Allow-Origin: <that origin>} and
 * {@code Access-Control-Allow-Credentials: true}, so a page there may read the stream with cookies
 * ({@code new EventSource(url, {withCredentials: true})}) or with an {@code Authorization} header (fetch-based
 * SSE clients, whose preflight this handler answers {@code 204}). A request from any other origin gets no
 * CORS headers, so browsers keep the answer from the page, and its preflight is answered {@code 403}, so
 * the browser never sends the credentialed request. A wildcard is not accepted: with credentials it would
 * hand every site its visitors' streams. Every answer carries {@code Vary: Origin}, because it depends on
 * the origin and a cache must not give one origin's answer to another.
 */
public final class CorsHandler implements HttpHandler {
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_CREDENTIALS = new HttpString("Access-Control-Allow-Credentials");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");
    private static final HttpString REQUEST_METHOD = new HttpString("Access-Control-Request-Method");
    /** What fetch-based SSE clients send beyond the CORS-safelisted headers. */
    private static final String ALLOWED_HEADERS = "Authorization, Last-Event-ID, Cache-Control";
    /** Browsers may reuse a preflight answer for 10 minutes (Chromium caps it at 2 hours). */
    private static final String PREFLIGHT_MAX_AGE = "600";

    private final Set<String> allowed;
    private final HttpHandler next;

    /** {@code origins} as {@link #normalize} returns them. */
    public CorsHandler(Collection<String> origins, HttpHandler next) {
        this.allowed = Set.copyOf(origins);
        this.next = next;
    }

    /**
     * The origin as browsers send it in {@code Origin}: {@code scheme://host[:port]}, lower case, without a
     * default port or trailing slash.
     *
     * @throws IllegalArgumentException if {@code origin} is not an http or https origin
     */
    public static String normalize(String origin) {
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + origin + "' is not an origin: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || !(path.isEmpty() || path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + origin + "' is not an origin: expected http(s)://host[:port]");
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.getResponseHeaders().add(Headers.VARY, "Origin");
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        boolean preflight = origin != null && exchange.getRequestMethod().equals(Methods.OPTIONS)
                && exchange.getRequestHeaders().contains(REQUEST_METHOD);
        boolean listed = origin != null && allowed.contains(origin);
        if (listed) {
            exchange.getResponseHeaders().put(ALLOW_ORIGIN, origin).put(ALLOW_CREDENTIALS, "true");
        }
        if (!preflight) {
            next.handleRequest(exchange);
        } else if (listed) {
            exchange.getResponseHeaders().put(ALLOW_METHODS, "GET").put(ALLOW_HEADERS, ALLOWED_HEADERS).put(MAX_AGE, PREFLIGHT_MAX_AGE);
            exchange.setStatusCode(204);
            exchange.endExchange();
        } else {
            JsonResponses.error(exchange, 403, "origin_not_allowed", "origin " + origin + " may not make cross-origin requests here");
        }
    }
}
