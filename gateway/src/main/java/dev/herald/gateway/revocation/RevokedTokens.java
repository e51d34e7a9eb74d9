package dev.herald.gateway.revocation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token IDs this gateway refuses, each until its token would be refused anyway. Kept in memory, fed by
 * the control stream and loaded from Redis at start, so checking a token at stream open costs no Redis
 * round trip. Written by the revocation tailer's thread, read by IO threads: a concurrent map.
 */
public final class RevokedTokens {
    /** Token ID to the epoch millisecond after which it need not be refused. */
    private final Map<String, Long> refusedUntil = new ConcurrentHashMap<>();

    /** True if a token with {@code tokenId} is refused now. */
    public boolean isRevoked(String tokenId) {
        Long until = refusedUntil.get(tokenId);
        return until != null && until > System.currentTimeMillis();
    }

    void add(String tokenId, long untilMillis) {
        refusedUntil.merge(tokenId, untilMillis, Math::max);
    }

    /** Forgets the IDs whose tokens have expired, so the set holds only what can still be presented. */
    void prune(long nowMillis) {
        refusedUntil.values().removeIf(until -> until <= nowMillis);
    }
}
