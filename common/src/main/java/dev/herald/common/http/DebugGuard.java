package dev.herald.common.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards {@code /debug/*} on the admin listener: a flight recording or a thread dump costs the process and tells
 * a lot about it, while health and metrics must stay open to probes and Prometheus. With a token configured,
 * every /debug request needs {@code Authorization: Bearer <token>} (401 otherwise); without one, /debug is open
 * on a loopback admin host (only this machine can reach it) and disabled (403) on any other.
 */
final class DebugGuard implements HttpHandler {
    private static final String PREFIX = "/debug/";
    private final byte[] token;
    private final boolean loopback;
    private final HttpHandler next;

    DebugGuard(String adminHost, String token, HttpHandler next) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.loopback = isLoopback(adminHost);
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!exchange.getRequestPath().startsWith(PREFIX)) {
            next.handleRequest(exchange);
        } else if (token.length == 0 && !loopback) {
            JsonResponses.error(exchange, 403, "debug_disabled",
                    "/debug is disabled on an admin listener reachable from other hosts; set herald.admin.token to enable it");
        } else if (token.length > 0 && !authorized(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"herald-admin\"");
            JsonResponses.error(exchange, 401, "unauthorized", "/debug needs Authorization: Bearer <herald.admin.token>");
        } else {
            next.handleRequest(exchange);
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Constant time: the comparison must not tell how much of a guess was right.
        return MessageDigest.isEqual(token, header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // cannot tell: treat as reachable from elsewhere
        }
    }
}
