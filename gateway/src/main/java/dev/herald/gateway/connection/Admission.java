package dev.herald.gateway.connection;

/**
 * What the HTTP edge settled about a stream before it opened.
 *
 * @param tokenExpiry when the stream's token stops being honoured, or null if it has none
 * @param lease       the slot the stream holds until it closes
 */
public record Admission(TokenExpiry tokenExpiry, StreamLease lease) {
    boolean tokenExpiredBy(long nowNanos) {
        return tokenExpiry != null && tokenExpiry.isDue(nowNanos);
    }
}
