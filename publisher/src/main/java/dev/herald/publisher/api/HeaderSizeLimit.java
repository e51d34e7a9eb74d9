package dev.herald.publisher.api;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;

/**
 * Answers {@code 431 headers_too_large} in JSON when the request line and headers are larger than the limit.
 * Undertow's own limit ({@code MAX_HEADER_SIZE}) can only answer a bare {@code 400} with no body and close
 * the connection, often before the client has finished sending, so the client sees a reset instead. So
 * Undertow's limit is set well above this one, as a hard bound on memory, and this handler gives the
 * clear answer for everything between the two.
 */
public final class HeaderSizeLimit implements HttpHandler {
    private final int maxBytes;
    private final ErrorResponder errors;
    private final HttpHandler next;

    public HeaderSizeLimit(int maxBytes, ErrorResponder errors, HttpHandler next) {
        this.maxBytes = maxBytes;
        this.errors = errors;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long size = exchange.getRequestMethod().length() + exchange.getRequestURI().length() + exchange.getQueryString().length()
                + exchange.getProtocol().length() + 4;
        for (HeaderValues header : exchange.getRequestHeaders()) {
            for (String value : header) {
                size += header.getHeaderName().length() + value.length() + 4; // ": " and CRLF
            }
        }
        if (size > maxBytes) {
            errors.answer(exchange, ErrorCode.HEADERS_TOO_LARGE,
                    "request line and headers are about " + size + " bytes; at most " + maxBytes + " are accepted");
            return;
        }
        next.handleRequest(exchange);
    }
}
