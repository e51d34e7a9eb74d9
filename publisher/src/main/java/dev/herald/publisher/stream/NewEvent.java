package dev.herald.publisher.stream;

import dev.herald.common.topic.Topic;

/**
 * A validated event about to be appended.
 *
 * @param event          SSE event name, or {@code null}
 * @param retryMillis    reconnection hint, or -1 for none
 * @param idempotencyKey the client's key that makes a retry of this publish append nothing, or {@code null}
 */
public record NewEvent(Topic topic, String event, String data, long retryMillis, String idempotencyKey) {
}
