package dev.herald.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Waits before the next attempt: what the server asked for, else doubling from a base, always jittered. */
final class Backoff {
    private static final Duration MAX = Duration.ofSeconds(30);

    private Backoff() {
    }

    /** The delay before attempt {@code attempt} (1 for the first retry); {@code asked} (or null) wins. */
    static Duration delay(Duration base, int attempt, Duration asked) {
        long millis = asked != null ? asked.toMillis() : Math.min(MAX.toMillis(), base.toMillis() << Math.min(attempt - 1, 16));
        // Spread retries over [½·delay, 1½·delay): clients told to come back must not all return at once.
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, millis)));
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeraldException(0, "interrupted", "interrupted while waiting to retry", null);
        }
    }
}
