package dev.herald.publisher.api;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * {@code GET /v1/openapi.yaml}: the OpenAPI 3 description of this API. Its one source is
 * {@code docs/openapi.yaml}, which the build copies into the jar, so what is served is what is documented.
 * Open to everyone even with authentication on: it describes the API, it grants nothing.
 */
public final class OpenApiHandler implements HttpHandler {
    static final String RESOURCE = "/herald/openapi.yaml";

    private final ByteBuffer description = load();

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/yaml");
        exchange.getResponseSender().send(description.duplicate());
    }

    private static ByteBuffer load() {
        try (InputStream in = OpenApiHandler.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE + " (copied from docs/openapi.yaml by the build)");
            }
            return ByteBuffer.wrap(in.readAllBytes()).asReadOnlyBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
