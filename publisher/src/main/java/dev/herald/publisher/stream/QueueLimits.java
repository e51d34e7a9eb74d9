package dev.herald.publisher.stream;

import java.time.Duration;

/**
 * Bounds of each partition's group-commit queue ({@code herald.publisher.limits.*}): a partition whose Redis
 * calls are slow (a paused or overloaded Redis, a slow network) refuses new publishes with {@code 503} beyond
 * them, instead of holding every request and its body in memory until clients give up.
 *
 * @param events         most events waiting to be sent, per partition
 * @param bytes          most bytes of topic, event name and data waiting to be sent, per partition (counted in characters)
 * @param requestTimeout how long a request may wait for its appends (queue and script call) before it is answered {@code 503}
 */
public record QueueLimits(int events, long bytes, Duration requestTimeout) {
}
