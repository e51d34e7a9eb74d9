package dev.herald.gateway.http;

import dev.herald.common.http.JsonResponses;
import dev.herald.gateway.connection.ConnectionInfo;
import dev.herald.gateway.connection.IoLoops;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /debug/connections?by=pending|unwritable|age&limit=N} (admin port): the N worst streams — most
 * bytes queued, longest unwritable, or oldest — with address, topics, age, bytes sent and pending. The
 * first thing to look at when latency spikes: which clients are slow, and how slow.
 */
public final class ConnectionsHandler implements HttpHandler {
    private static final Map<String, Comparator<ConnectionInfo>> ORDERS = Map.of(
            "pending", Comparator.comparingLong(ConnectionInfo::pendingBytes),
            "unwritable", Comparator.comparingLong(ConnectionInfo::unwritableMillis),
            "age", Comparator.comparingLong(ConnectionInfo::ageMillis));

    private final IoLoops loops;

    public ConnectionsHandler(IoLoops loops) {
        this.loops = loops;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String by = first(exchange, "by", "pending");
        Comparator<ConnectionInfo> order = ORDERS.get(by);
        int limit;
        try {
            limit = Integer.parseInt(first(exchange, "limit", "20"));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (order == null || limit < 1 || limit > 10_000) {
            JsonResponses.error(exchange, 400, "invalid_query", "by must be pending, unwritable or age; limit from 1 to 10000");
            return;
        }
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        List<ConnectionInfo> all = loops.snapshot().get(5, TimeUnit.SECONDS);
        List<ConnectionInfo> worst = all.stream().sorted(order.reversed()).limit(limit).toList();
        JsonResponses.send(exchange, 200, Map.of("open", all.size(), "by", by, "connections", worst));
    }

    private static String first(HttpServerExchange exchange, String name, String fallback) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? fallback : values.getFirst();
    }
}
