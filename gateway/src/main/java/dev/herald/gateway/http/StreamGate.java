package dev.herald.gateway.http;

import io.undertow.server.HttpServerExchange;
import java.util.function.Supplier;

/**
 * Whether a new stream may open now: not while the gateway refuses streams (starting, draining, overloaded),
 * and not past its client address's reconnect rate; a refused stream gets its retry hint here. One per
 * gateway, shared by Herald's and Mercure's stream endpoints, so a client's reconnects count once whichever
 * it uses. Thread-safe (the limiter is; the rest is immutable).
 */
public final class StreamGate {
    private final Supplier<Refusals.Reason> refusal;
    private final Refusals refusals;
    private final ReconnectLimiter limiter;
    private final ClientAddress addresses;

    public StreamGate(Supplier<Refusals.Reason> refusal, Refusals refusals, ReconnectLimiter limiter, ClientAddress addresses) {
        this.refusal = refusal;
        this.refusals = refusals;
        this.limiter = limiter;
        this.addresses = addresses;
    }

    /** True if the stream may open; otherwise it has been refused. */
    public boolean admits(HttpServerExchange exchange) {
        Refusals.Reason refused = refusal.get();
        if (refused != null) {
            refusals.refuse(exchange, refused);
            return false;
        }
        if (!limiter.allow(addresses.of(exchange))) {
            refusals.refuse(exchange, Refusals.Reason.RECONNECT_LIMIT);
            return false;
        }
        return true;
    }
}
