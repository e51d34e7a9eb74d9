package dev.herald.gateway.connection;

import dev.herald.common.sse.SseEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * When a stream's token stops being honoured, and what its client is told then: an
 * {@code event: herald.token-expired} carrying a jittered {@code retry:}, after which the stream is closed.
 * The event has no {@code id:}, so the client's cursor stays on the last event it received and it resumes
 * from there with a new token, missing nothing.
 */
public final class TokenExpiry {
    /** Deadlines further out are treated as this far (keeps nanoTime arithmetic far from overflow). */
    private static final long MAX_MILLIS = 100L * 365 * 24 * 3600 * 1000;

    private final Instant at;
    private final long deadlineNanos;
    private final RetryHints hints;

    public TokenExpiry(Instant at, RetryHints hints) {
        this.at = at;
        long millis = Math.min(at.toEpochMilli() - System.currentTimeMillis(), MAX_MILLIS);
        this.deadlineNanos = System.nanoTime() + millis * 1_000_000;
        this.hints = hints;
    }

    /** True once the token has expired, by the monotonic clock the IO-thread timer passes. */
    boolean isDue(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    /** The frame that tells the client, with a jittered reconnection delay. */
    ByteBuffer notice() {
        String data = "{\"reason\":\"token_expired\",\"expiredAt\":\"" + at + "\"}";
        String frame = SseEncoder.appendEvent(new StringBuilder(), null, StreamEvents.TOKEN_EXPIRED, hints.jitteredMillis(), data).toString();
        return ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8));
    }
}
