package dev.herald.gateway.http;

import dev.herald.common.http.JsonResponses;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;

/**
 * Answers {@code 431 headers_too_large} (JSON) to a request whose head, the request line and headers, is
 * larger than {@code herald.gateway.limits.max-header-size}. A clear status tells the client what to fix
 * (typically a bloated cookie), and an {@code EventSource} stops rather than retrying a request that
 * cannot succeed.
 *
 * <p>Undertow itself stops reading a head at {@value #PARSE_LIMIT_FACTOR} times the limit, answers an
 * empty {@code 400 Bad Request} and closes the connection. That hard bound is what keeps a client from
 * making the gateway buffer a large head; this handler makes the answer clear for the heads in between,
 * which is where a real client that grew too large (rather than an attack) lands.
 */
public final class RequestHeaderLimitHandler implements HttpHandler {
    /** Undertow's own limit (UndertowOptions.MAX_HEADER_SIZE), as a multiple of this one. */
    public static final int PARSE_LIMIT_FACTOR = 4;

    private final long maxHeaderSize;
    private final HttpHandler next;

    public RequestHeaderLimitHandler(long maxHeaderSize, HttpHandler next) {
        this.maxHeaderSize = maxHeaderSize;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long size = headSize(exchange);
        if (size > maxHeaderSize) {
            JsonResponses.error(exchange, 431, "headers_too_large",
                    "the request line and headers take " + size + " bytes; at most " + maxHeaderSize + " are accepted");
            return;
        }
        next.handleRequest(exchange);
    }

    /** The size of the head as sent: "METHOD URI?QUERY PROTOCOL\r\n" and "Name: value\r\n" per header. */
    private static long headSize(HttpServerExchange exchange) {
        String query = exchange.getQueryString();
        long size = exchange.getRequestMethod().length() + 1 + exchange.getRequestURI().length()
                + (query.isEmpty() ? 0 : 1 + query.length()) + 1 + exchange.getProtocol().length() + 2;
        for (HeaderValues header : exchange.getRequestHeaders()) {
            for (String value : header) {
                size += header.getHeaderName().length() + 2 + value.length() + 2;
            }
        }
        return size;
    }
}
