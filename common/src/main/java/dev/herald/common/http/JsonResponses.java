package dev.herald.common.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;

/**
 * Writes JSON answers. Every client error carries a body {@code {"error": "<code>", "message": "<why>"}}:
 * a stable machine-readable code and a sentence for people.
 */
public final class JsonResponses {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonResponses() {
    }

    public static void send(HttpServerExchange exchange, int status, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialise response", e);
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
    }

    public static void error(HttpServerExchange exchange, int status, String code, String message) {
        ObjectNode body = MAPPER.createObjectNode().put("error", code).put("message", message);
        send(exchange, status, body);
    }
}
