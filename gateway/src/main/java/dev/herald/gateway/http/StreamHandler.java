package dev.herald.gateway.http;

import dev.herald.common.event.Cursor;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.common.sse.SseEncoder;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.GatewaySettings;
import dev.herald.gateway.auth.SubscriberGrant;
import dev.herald.gateway.connection.Admission;
import dev.herald.gateway.connection.RetryHints;
import dev.herald.gateway.connection.StreamLease;
import dev.herald.gateway.connection.StreamOpener;
import dev.herald.gateway.connection.TokenExpiry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;
import io.undertow.util.SameThreadExecutor;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code GET /v1/stream?topic=a&topic=b}: validates the topics and the resume point ({@code Last-Event-ID}
 * header, else the {@code lastEventId} or {@code last_event_id} query parameter), answers bad requests with a JSON 400 before anything
 * is streamed, then opens the event stream. While the gateway starts, drains or is overloaded, or when a
 * client address reconnects faster than allowed, a valid request is refused with a retry hint instead (see {@link Refusals}). The
 * stream takes over what the handlers in front of it settled: the token's expiry ({@link AuthHandler}) and
 * the stream slot ({@link StreamLimits}).
 */
public final class StreamHandler implements HttpHandler {
    private static final HttpString LAST_EVENT_ID = new HttpString("Last-Event-ID");

    private final StreamOpener opener;
    private final int partitionCount;
    private final int maxTopics;
    /** The comment that opens every stream; a jittered retry hint follows it. */
    private static final String OPENING = SseEncoder.comment("herald");
    private final StreamGate gate;
    private final RetryHints retryHints;

    public StreamHandler(StreamOpener opener, GatewaySettings settings, StreamGate gate) {
        this.opener = opener;
        this.partitionCount = settings.redis().partitions().count();
        this.maxTopics = settings.maxTopics();
        this.gate = gate;
        long retryMillis = settings.retry().toMillis();
        this.retryHints = new RetryHints(retryMillis);
    }

    /**
     * A comment and a retry hint, written at once so the headers leave and EventSource.onopen fires. The
     * hint is jittered per stream: when a gateway dies, its clients reconnect spread over a couple of
     * seconds instead of all at the same instant.
     */
    private String opening() {
        return OPENING + SseEncoder.retry(retryHints.jitteredMillis());
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
            try {
                Topic topic = Topic.of(name);
                String reserved = MercureUpdate.reservedProblem(topic);
                if (reserved != null) {
                    throw new IllegalArgumentException(reserved); // its private updates are only for Mercure streams
                }
                topics.add(topic);
            } catch (IllegalArgumentException e) {
                JsonResponses.error(exchange, 400, "invalid_topic", e.getMessage());
                return;
            }
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
        if (!gate.admits(exchange)) {
            return;
        }
        SseResponse.start(exchange);
        SubscriberGrant grant = exchange.getAttachment(AuthHandler.GRANT);
        // Taken before the stream writes its head: a lease still attached then is given back as unused.
        StreamLease lease = exchange.removeAttachment(StreamLease.KEY);
        Admission admission = new Admission(grant == null ? null : new TokenExpiry(grant.expiresAt(), retryHints),
                grant == null ? null : grant.grant().subject(), grant == null ? null : grant.grant().tokenId(),
                lease == null ? StreamLease.NONE : lease);
        // Dispatching keeps the exchange open after this handler returns; the stream runs on this IO thread.
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> opener.open(exchange, topics, resumeFrom, opening(), admission));
    }

    private Cursor resumePoint(HttpServerExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst(LAST_EVENT_ID);
        if (header == null) {
            header = QueryParameters.first(exchange, QueryParameters.LAST_EVENT_ID);
        }
        // An empty id is what a client that never saw an event has: start from now.
        if (header == null || header.isBlank()) {
            return null;
        }
        return Cursor.parse(header.strip(), partitionCount);
    }
}
