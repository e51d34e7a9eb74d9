package dev.herald.gateway.mercure;

import dev.herald.common.auth.AuthException;
import dev.herald.common.auth.AuthFailure;
import dev.herald.common.auth.AuthHeaders;
import dev.herald.common.event.Cursor;
import dev.herald.common.event.StreamId;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.mercure.MercureCredentials;
import dev.herald.common.mercure.MercureGrant;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.common.mercure.TopicSelectors;
import dev.herald.common.sse.SseEncoder;
import dev.herald.gateway.connection.Admission;
import dev.herald.gateway.connection.RetryHints;
import dev.herald.gateway.connection.StreamLease;
import dev.herald.gateway.connection.StreamOpener;
import dev.herald.gateway.connection.TokenExpiry;
import dev.herald.gateway.http.SseResponse;
import dev.herald.gateway.http.StreamGate;
import dev.herald.gateway.revocation.RevokedTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /.well-known/mercure?topic=<selector>...}: a Mercure subscription, served as a Herald stream of
 * {@link MercureUpdate#HERALD_TOPIC} through the same connection, queue, shedding, replay and limits as
 * {@code /v1/stream}, with a {@link MercureFilter}. The resume point is the {@code Last-Event-ID} header, else
 * the {@code lastEventID} query parameter ({@link MercureResume}); the response's {@code Last-Event-ID} header
 * names where the stream starts: the ID resumed from, {@code earliest}, or for a new stream the generated ID of
 * the live position, which a client may resume from later with nothing lost.
 *
 * <p>Runs on the request's IO thread; an ID-index lookup completes there too.
 */
public final class MercureSubscribeHandler implements HttpHandler {
    private static final HttpString LAST_EVENT_ID = new HttpString("Last-Event-ID");
    private static final HttpString LINK = new HttpString("Link");
    private static final String OPENING = SseEncoder.comment("herald mercure");

    private final StreamOpener opener;
    private final MercureSettings settings;
    private final MercureResume resume;
    private final int partition;
    private final int maxSelectors;
    private final StreamGate gate;
    private final RetryHints retryHints;
    /** Token IDs revoked by {@code POST /v1/disconnect}: refused at open, as on {@code /v1/stream}. */
    private final RevokedTokens revoked;
    private final MercureMetrics metrics;
    /** Null when the subscriptions API is off. */
    private final SubscriptionRegistry registry;

    public MercureSubscribeHandler(StreamOpener opener, MercureSettings settings, MercureResume resume, int partition, int maxSelectors,
                                   StreamGate gate,
                                   RetryHints retryHints, RevokedTokens revoked, MeterRegistry meters, SubscriptionRegistry registry) {
        this.revoked = revoked;
        this.metrics = new MercureMetrics(meters);
        this.registry = registry;
        this.opener = opener;
        this.settings = settings;
        this.resume = resume;
        this.partition = partition;
        this.maxSelectors = maxSelectors;
        this.gate = gate;
        this.retryHints = retryHints;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Deque<String> topics = exchange.getQueryParameters().get("topic");
        if (topics == null || topics.isEmpty()) {
            JsonResponses.error(exchange, 400, "missing_topic", "at least one 'topic' selector is required");
            return;
        }
        if (topics.size() > maxSelectors) {
            JsonResponses.error(exchange, 400, "too_many_topics", "a subscription may have at most " + maxSelectors + " topic selectors");
            return;
        }
        TopicSelectors selectors;
        try {
            selectors = TopicSelectors.of(topics);
        } catch (IllegalArgumentException e) {
            JsonResponses.error(exchange, 400, "invalid_topic_selector", e.getMessage());
            return;
        }
        MercureGrant grant;
        try {
            grant = grant(exchange);
        } catch (AuthException e) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE,
                    AuthHeaders.challenge(AuthHeaders.BEARER, e.failure() == AuthFailure.TOKEN_MISSING ? null : e));
            JsonResponses.send(exchange, 401, JsonResponses.MAPPER.createObjectNode()
                    .put("error", "unauthorized").put("reason", e.code()).put("message", e.getMessage()));
            return;
        }
        if (!gate.admits(exchange)) {
            return;
        }
        String lastEventId = lastEventId(exchange);
        StreamId direct = lastEventId == null ? null : MercureResume.direct(lastEventId);
        MercureFilter filter = new MercureFilter(selectors, grant);
        List<String> texts = List.copyOf(topics);
        if (lastEventId == null || direct != null) {
            metrics.opened(lastEventId == null ? MercureMetrics.Resume.LIVE
                    : lastEventId.equals(MercureResume.EARLIEST) ? MercureMetrics.Resume.EARLIEST : MercureMetrics.Resume.GENERATED);
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> open(exchange, grant, filter, texts, lastEventId, direct));
            return;
        }
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> resume.lookUp(lastEventId).whenComplete((found, error) ->
                exchange.getIoThread().execute(() -> {
                    if (error != null) {
                        // Redis did not answer: a retry hint (status 200, so EventSource reconnects with the same ID).
                        SseResponse.start(exchange);
                        exchange.getResponseSender().send(SseEncoder.retry(retryHints.jitteredMillis()));
                    } else {
                        metrics.opened(found == null ? MercureMetrics.Resume.UNKNOWN : MercureMetrics.Resume.INDEXED);
                        open(exchange, grant, filter, texts, found == null ? null : lastEventId, found);
                    }
                })));
    }

    /** {@code slot}, which also removes the stream's subscriptions from the registry when the stream closes. */
    private StreamLease registered(List<String> selectors, MercureGrant grant, StreamLease slot) {
        if (registry == null) {
            return slot;
        }
        String subscriber = registry.add(selectors, grant == null ? null : grant.payload());
        return () -> {
            slot.release();
            registry.remove(selectors, subscriber);
        };
    }

    /** The subscriber's token, {@code null} for an anonymous subscriber; throws if refused. */
    private MercureGrant grant(HttpServerExchange exchange) {
        MercureCredentials credentials = MercureCredentials.of(exchange);
        if (credentials == null) {
            if (settings.anonymousSubscribers()) {
                return null;
            }
            throw new AuthException(AuthFailure.TOKEN_MISSING, "this hub serves subscribers with a token only");
        }
        MercureGrant grant = MercureGrant.verify(settings.tokens(), credentials.token());
        if (grant.tokenId() != null && revoked.isRevoked(grant.tokenId())) {
            throw new AuthException(AuthFailure.TOKEN_REVOKED, "the token was revoked");
        }
        return grant;
    }

    private static String lastEventId(HttpServerExchange exchange) {
        String id = exchange.getRequestHeaders().getFirst(LAST_EVENT_ID);
        if (id == null) {
            Deque<String> param = exchange.getQueryParameters().get("lastEventID");
            id = param == null ? null : param.getFirst();
        }
        return id == null || id.isEmpty() ? null : id;
    }

    /**
     * Opens the stream from {@code from} ({@code null}: live). On the IO thread, so the live position read here is
     * where the stream registers in the same task: nothing arrives between the two.
     */
    private void open(HttpServerExchange exchange, MercureGrant grant, MercureFilter filter, List<String> selectors, String resumedId,
                      StreamId from) {
        StreamId start = from != null ? from : opener.liveWatermark(exchange.getIoThread(), partition);
        SseResponse.start(exchange);
        exchange.getResponseHeaders()
                .put(LAST_EVENT_ID, resumedId != null ? resumedId : MercureUpdate.generatedId(start))
                .put(LINK, "</.well-known/mercure>; rel=\"mercure\"");
        StreamLease slot = exchange.removeAttachment(StreamLease.KEY);
        StreamLease lease = registered(selectors, grant, slot == null ? StreamLease.NONE : slot);
        TokenExpiry expiry = grant == null || grant.expiresAt() == null ? null
                : new TokenExpiry(grant.expiresAt().plus(settings.tokens().clockSkew()), retryHints);
        Admission admission = new Admission(expiry, grant == null ? null : grant.subject(), grant == null ? null : grant.tokenId(), lease);
        opener.open(exchange, List.of(MercureUpdate.HERALD_TOPIC), Cursor.of(Map.of(partition, start)),
                OPENING + SseEncoder.retry(retryHints.jitteredMillis()), admission, filter);
    }
}
