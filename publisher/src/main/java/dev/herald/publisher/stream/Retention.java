package dev.herald.publisher.stream;

import com.typesafe.config.Config;
import dev.herald.common.config.ConfigLoader;
import java.time.Duration;

/**
 * How much of a topic's history is kept: at most about {@code maxLen} entries, and none older than
 * {@code maxAge} (zero: no age limit). Applied by the publish script on every append, in whole
 * milliseconds like stream IDs, so a non-zero age under 1 ms is refused: it would silently mean none.
 */
public record Retention(long maxLen, Duration maxAge) {

    public static Retention from(Config c) {
        long maxLen = c.getLong("herald.retention.max-len");
        ConfigLoader.check(c, "herald.retention.max-len", maxLen >= 1, "must be at least 1");
        Duration maxAge = c.getDuration("herald.retention.max-age");
        ConfigLoader.check(c, "herald.retention.max-age", maxAge.isZero() || maxAge.toMillis() >= 1,
                "must be 0 (no age limit) or at least 1ms");
        return new Retention(maxLen, maxAge);
    }
}
