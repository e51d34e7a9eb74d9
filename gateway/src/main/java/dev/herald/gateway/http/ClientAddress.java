package dev.herald.gateway.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;

/**
 * The address a request comes from, for per-address limits: the peer's, or, behind a proxy that is
 * trusted ({@code herald.gateway.reconnect-limit.trust-forwarded-for}), the address that proxy appended to
 * {@code X-Forwarded-For}. That is the last entry, not the first: earlier entries arrive from the client
 * and can be forged, so trusting them would let a client dodge its limits or spend another address's.
 */
public final class ClientAddress {
    private final boolean trustForwardedFor;

    public ClientAddress(boolean trustForwardedFor) {
        this.trustForwardedFor = trustForwardedFor;
    }

    public String of(HttpServerExchange exchange) {
        if (trustForwardedFor) {
            HeaderValues forwarded = exchange.getRequestHeaders().get(Headers.X_FORWARDED_FOR);
            String last = forwarded == null ? null : forwarded.getLast();
            if (last != null && !last.isBlank()) {
                return last.substring(last.lastIndexOf(',') + 1).strip();
            }
        }
        return exchange.getSourceAddress().getAddress().getHostAddress();
    }
}
