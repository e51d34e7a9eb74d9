package dev.herald.common.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * What a client may hold of a listener without making progress ({@code herald.http.*}, every listener of
 * both services).
 *
 * @param requestHead   from the first byte of a request head to its end; a slowloris is closed after it
 * @param idle          a connection with no request in progress (before the first, between kept-alive ones)
 * @param lingerTime    after an error answered with the request body unread, how long the rest is read and
 *                      discarded before closing (nginx's lingering close), so a client still sending reads the
 *                      answer instead of a reset
 * @param lingerMaxBytes most bytes discarded that way
 */
public record ClientTimeouts(Duration requestHead, Duration idle, Duration lingerTime, long lingerMaxBytes) {

    static ClientTimeouts from(Config c) {
        Duration head = c.getDuration("herald.http.request-head-timeout");
        ConfigLoader.check(c, "herald.http.request-head-timeout", head.toMillis() >= 100 && head.compareTo(Duration.ofMinutes(10)) <= 0,
                "must be between 100ms and 10m");
        Duration idle = c.getDuration("herald.http.idle-timeout");
        ConfigLoader.check(c, "herald.http.idle-timeout", idle.toMillis() >= 100 && idle.compareTo(Duration.ofHours(1)) <= 0,
                "must be between 100ms and 1h");
        Duration linger = c.getDuration("herald.http.linger.time");
        ConfigLoader.check(c, "herald.http.linger.time", !linger.isNegative() && linger.compareTo(Duration.ofMinutes(1)) <= 0,
                "must be between 0 and 1m");
        long bytes = c.getBytes("herald.http.linger.max-bytes");
        ConfigLoader.check(c, "herald.http.linger.max-bytes", bytes >= 0 && bytes <= 1L << 30, "must be between 0 and 1GiB");
        return new ClientTimeouts(head, idle, linger, bytes);
    }
}
