package dev.herald.gateway.connection;

import dev.herald.common.revocation.Revocation;

/**
 * What the HTTP edge settled about a stream before it opened.
 *
 * @param tokenExpiry when the stream's token stops being honoured, or null if it has none
 * @param subject     the token's {@code sub}, or null without a token
 * @param tokenId     the token's {@code jti}, or null without one
 * @param lease       the slot the stream holds until it closes
 */
public record Admission(TokenExpiry tokenExpiry, String subject, String tokenId, StreamLease lease) {
    boolean tokenExpiredBy(long nowNanos) {
        return tokenExpiry != null && tokenExpiry.isDue(nowNanos);
    }

    /** True if {@code revocation} names this stream's token by its subject or ID (topics are the connection's). */
    boolean tokenMatches(Revocation revocation) {
        return switch (revocation.by()) {
            case SUB -> revocation.value().equals(subject);
            case JTI -> revocation.value().equals(tokenId);
            case TOPIC -> false;
        };
    }
}
