package dev.herald.gateway.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;

/** The head of every event-stream answer: a stream, or a refusal that is only a retry hint. */
public final class SseResponse {
    private static final HttpString X_ACCEL_BUFFERING = new HttpString("X-Accel-Buffering");

    private SseResponse() {
    }

    public static void start(HttpServerExchange exchange) {
        exchange.setStatusCode(200);
        if (!exchange.getProtocol().equals(Protocols.HTTP_2_0)) {
            // Close-delimited body, not chunked: Undertow's chunked conduit writes one buffer per call, which
            // would undo the gathering writes. An SSE stream only ever ends by closing anyway. (HTTP/2 has
            // its own framing, and closing there resets only this stream.)
            exchange.setPersistent(false);
        }
        exchange.getResponseHeaders()
                .put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .put(Headers.CACHE_CONTROL, "no-cache")
                .put(X_ACCEL_BUFFERING, "no");
    }
}
