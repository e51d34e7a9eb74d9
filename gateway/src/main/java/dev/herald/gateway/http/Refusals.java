package dev.herald.gateway.http;

import dev.herald.common.http.JsonResponses;
import dev.herald.common.sse.SseEncoder;
import dev.herald.gateway.connection.RetryHints;
import dev.herald.gateway.metrics.GatewayMetrics;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.util.Locale;

/**
 * Answers a stream request the gateway will not serve now, so that the client comes back later.
 *
 * <p>{@code EventSource} gives up for good on any status but 200, so by default the answer is a 200 event
 * stream holding only a jittered {@code retry:} hint, which ends at once: the browser reconnects after
 * that delay, through the load balancer, perhaps to another gateway. A client that asks for JSON
 * ({@code Accept: application/json} and not {@code text/event-stream}) is not an EventSource and gets a
 * plain HTTP answer instead: 503 when the gateway as a whole cannot take the stream, 429 when this client
 * is over its share, each with {@code Retry-After} and a JSON error. Gateway-wide refusals ask for the
 * usual reconnection delay (another gateway may well have room); a client over its share is asked to wait
 * five times as long, at least 5 s.
 */
public final class Refusals {
    /** Why a stream was refused; the metric tag and JSON error code is the lower-case name. */
    public enum Reason {
        /** The gateway has not yet learned where the partition feeds stand, so it cannot place a stream in them. */
        STARTING(503, "the gateway is starting; reconnect in a moment"),
        /** The gateway is behind on delivery by more than herald.gateway.overload.lag-budget. */
        OVERLOADED(503, "the gateway is overloaded; reconnect and another gateway will serve the stream"),
        /** The gateway is draining before it stops. */
        DRAINING(503, "the gateway is shutting down; reconnect and another gateway will serve the stream"),
        /** The gateway serves herald.gateway.limits.max-streams streams. */
        MAX_STREAMS(503, "the gateway serves as many streams as it may; reconnect later"),
        /** The client address opens streams faster than herald.gateway.reconnect-limit allows. */
        RECONNECT_LIMIT(429, "this address opens streams too fast; reconnect later"),
        /** The client address has herald.gateway.limits.max-streams-per-address streams open. */
        MAX_STREAMS_PER_ADDRESS(429, "this address has as many streams open as it may; close one or reconnect later");

        private final int status;
        private final String message;

        Reason(int status, String message) {
            this.status = status;
            this.message = message;
        }

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final RetryHints soon;
    private final RetryHints later;
    private final GatewayMetrics metrics;

    public Refusals(long retryMillis, GatewayMetrics metrics) {
        this.soon = new RetryHints(retryMillis);
        this.later = new RetryHints(Math.max(5_000, 5 * retryMillis));
        this.metrics = metrics;
    }

    public void refuse(HttpServerExchange exchange, Reason reason) {
        metrics.refused(reason.code());
        long delay = (reason.status == 429 ? later : soon).jitteredMillis();
        if (wantsJson(exchange)) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, Long.toString(Math.max(1, (delay + 999) / 1000)));
            JsonResponses.send(exchange, reason.status, JsonResponses.MAPPER.createObjectNode()
                    .put("error", reason.code()).put("message", reason.message).put("retryAfterMs", delay));
        } else {
            SseResponse.start(exchange);
            exchange.getResponseSender().send(SseEncoder.retry(delay));
        }
    }

    private static boolean wantsJson(HttpServerExchange exchange) {
        HeaderValues accept = exchange.getRequestHeaders().get(Headers.ACCEPT);
        if (accept == null) {
            return false;
        }
        String all = String.join(",", accept).toLowerCase(Locale.ROOT);
        return all.contains("application/json") && !all.contains("text/event-stream");
    }
}
