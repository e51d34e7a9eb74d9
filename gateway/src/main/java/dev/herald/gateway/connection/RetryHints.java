package dev.herald.gateway.connection;

import dev.herald.common.sse.SseEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code retry:} frames with jitter: clients told to come back (drain, refusal) return spread over an
 * interval, not in lockstep.
 */
public final class RetryHints {
    private final long baseMillis;

    public RetryHints(long baseMillis) {
        this.baseMillis = baseMillis;
    }

    /** A delay uniformly in [base/2, 3·base/2). */
    public long jitteredMillis() {
        return baseMillis / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, baseMillis));
    }

    /** A frame that only sets the client's reconnection delay, jittered. */
    public ByteBuffer frame() {
        return ByteBuffer.wrap(SseEncoder.retry(jitteredMillis()).getBytes(StandardCharsets.US_ASCII));
    }
}
