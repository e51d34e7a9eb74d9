package dev.herald.gateway.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * {@code GET /demo}: the self-contained demo page ({@code herald/demo/index.html} on the classpath, inline
 * CSS and JS, no external URLs). It subscribes with the browser's {@code EventSource} on this origin's
 * {@code /v1/stream} and publishes through the publisher API on the same origin (a load balancer routes
 * {@code /v1/topics} and {@code /v1/events} to the publisher) or on the one its {@code ?publisher=} names.
 */
public final class DemoPageHandler implements HttpHandler {
    public static final String RESOURCE = "herald/demo/index.html";

    private final ByteBuffer page;

    public DemoPageHandler() {
        this.page = ByteBuffer.wrap(load()).asReadOnlyBuffer();
    }

    private static byte[] load() {
        try (InputStream in = DemoPageHandler.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.getResponseHeaders()
                .put(Headers.CONTENT_TYPE, "text/html; charset=utf-8")
                .put(Headers.CACHE_CONTROL, "no-cache")
                .put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        exchange.getResponseSender().send(page.duplicate());
    }
}
