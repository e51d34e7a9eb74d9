package dev.herald.bench;

import java.time.Instant;

/** Wall-clock microseconds since the epoch: what publishers stamp into events and receivers compare against. */
public final class Clock {
    private Clock() {
    }

    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    public static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Progress and diagnostics go to stderr; stdout is for the report. */
    public static void log(String fmt, Object... args) {
        System.err.println(String.format(fmt, args));
        System.err.flush();
    }
}
