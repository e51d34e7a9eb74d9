package dev.herald.common.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code 200 {"status":"up"}} while the check holds, else {@code 503 {"status":"down"}}. */
public final class HealthHandler implements HttpHandler {
    private final BooleanSupplier check;

    public HealthHandler(BooleanSupplier check) {
        this.check = check;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        boolean up = check.getAsBoolean();
        JsonResponses.send(exchange, up ? 200 : 503, Map.of("status", up ? "up" : "down"));
    }
}
