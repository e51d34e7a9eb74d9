package dev.herald.gateway.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Limits how often one client address may open streams: a token bucket per address. A client over the
 * limit is refused with a retry hint rather than an error status, which would make EventSource give up
 * for good (see {@link Refusals}), so it comes back later. Addresses idle for a minute are forgotten.
 */
public final class ReconnectLimiter {
    private static final long FORGET_AFTER_NANOS = 60_000_000_000L;
    private static final int SWEEP_AT = 100_000;

    private final double perSecond;
    private final double burst;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** {@code perSecond} 0 turns the limit off. */
    public ReconnectLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
    }

    private final class Bucket {
        double tokens = burst;
        long updatedNanos = System.nanoTime();

        synchronized boolean take(long now) {
            tokens = Math.min(burst, tokens + (now - updatedNanos) / 1e9 * perSecond);
            updatedNanos = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }

    /** True if {@code address} may open a stream now. */
    public boolean allow(String address) {
        if (perSecond <= 0) {
            return true;
        }
        long now = System.nanoTime();
        if (buckets.size() > SWEEP_AT) {
            buckets.values().removeIf(b -> now - b.updatedNanos > FORGET_AFTER_NANOS);
        }
        return buckets.computeIfAbsent(address, a -> new Bucket()).take(now);
    }
}
