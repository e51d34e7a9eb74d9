package dev.herald.gateway.http;

import dev.herald.common.event.Cursor;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.sse.SseEncoder;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.GatewaySettings;
import dev.herald.gateway.connection.RetryHints;
import dev.herald.gateway.connection.StreamOpener;
import dev.herald.gateway.metrics.GatewayMetrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;
import io.undertow.util.SameThreadExecutor;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /v1/stream?topic=a&topic=b}: validates the topics and the resume point ({@code Last-Event-ID}
 * header, else {@code lastEventId} query parameter), answers bad requests with a JSON 400 before anything
 * is streamed, then opens the event stream. While the gateway drains, a valid request gets an event stream
 * holding only a jittered {@code retry:} hint, which ends at once: {@code EventSource} reconnects (through
 * the load balancer, to another gateway), whereas an error status would make it give up for good. The
 * same answer, with a longer delay, goes to a client address that reconnects faster than allowed.
 */
public final class StreamHandler implements HttpHandler {
    private static final HttpString LAST_EVENT_ID = new HttpString("Last-Event-ID");
    private static final HttpString X_ACCEL_BUFFERING = new HttpString("X-Accel-Buffering");

    private final StreamOpener opener;
    private final int partitionCount;
    private final int maxTopics;
    private final String opening;
    private final BooleanSupplier draining;
    private final RetryHints retryHints;
    private final RetryHints backOffHints;
    private final ReconnectLimiter limiter;
    private final boolean trustForwardedFor;
    private final GatewayMetrics metrics;

    public StreamHandler(StreamOpener opener, GatewaySettings settings, BooleanSupplier draining, GatewayMetrics metrics) {
        this.opener = opener;
        this.partitionCount = settings.redis().partitions().count();
        this.maxTopics = settings.maxTopics();
        this.draining = draining;
        this.metrics = metrics;
        long retryMillis = settings.retry().toMillis();
        this.retryHints = new RetryHints(retryMillis);
        // Clients over the reconnect limit are asked to stay away longer.
        this.backOffHints = new RetryHints(Math.max(5_000, 5 * retryMillis));
        this.limiter = new ReconnectLimiter(settings.reconnectPerSecond(), settings.reconnectBurst());
        this.trustForwardedFor = settings.trustForwardedFor();
        // A comment and a retry hint: written at once so the headers leave and EventSource.onopen fires.
        this.opening = SseEncoder.comment("herald") + SseEncoder.retry(retryMillis);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Deque<String> names = exchange.getQueryParameters().get("topic");
        if (names == null || names.isEmpty()) {
            JsonResponses.error(exchange, 400, "missing_topic", "at least one 'topic' query parameter is required");
            return;
        }
        Set<Topic> topics = new LinkedHashSet<>();
        for (String name : names) {
            String problem = Topic.problemWith(name);
            if (problem != null) {
                JsonResponses.error(exchange, 400, "invalid_topic", problem);
                return;
            }
            topics.add(Topic.of(name));
        }
        if (topics.size() > maxTopics) {
            JsonResponses.error(exchange, 400, "too_many_topics", "a stream may subscribe to at most " + maxTopics + " topics");
            return;
        }
        Cursor resumeFrom;
        try {
            resumeFrom = resumePoint(exchange);
        } catch (IllegalArgumentException e) {
            JsonResponses.error(exchange, 400, "invalid_last_event_id", "Last-Event-ID is malformed: " + e.getMessage());
            return;
        }
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
        if (draining.getAsBoolean()) {
            metrics.refused("draining");
            exchange.getResponseSender().send(retryHints.frame());
            return;
        }
        if (!limiter.allow(clientAddress(exchange))) {
            metrics.refused("reconnect_limit");
            exchange.getResponseSender().send(backOffHints.frame());
            return;
        }
        // Dispatching keeps the exchange open after this handler returns; the stream runs on this IO thread.
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> opener.open(exchange, topics, resumeFrom, opening));
    }

    private String clientAddress(HttpServerExchange exchange) {
        if (trustForwardedFor) {
            String forwarded = exchange.getRequestHeaders().getFirst(Headers.X_FORWARDED_FOR);
            if (forwarded != null && !forwarded.isBlank()) {
                int comma = forwarded.indexOf(',');
                return (comma < 0 ? forwarded : forwarded.substring(0, comma)).strip();
            }
        }
        return exchange.getSourceAddress().getAddress().getHostAddress();
    }

    private Cursor resumePoint(HttpServerExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst(LAST_EVENT_ID);
        if (header == null) {
            Deque<String> param = exchange.getQueryParameters().get("lastEventId");
            header = param == null ? null : param.getFirst();
        }
        // An empty id is what a client that never saw an event has: start from now.
        if (header == null || header.isBlank()) {
            return null;
        }
        return Cursor.parse(header.strip(), partitionCount);
    }
}
