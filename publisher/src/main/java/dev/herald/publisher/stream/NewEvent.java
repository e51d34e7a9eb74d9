package dev.herald.publisher.stream;

import dev.herald.common.topic.Topic;

/**
 * A validated event about to be appended.
 *
 * @param event          SSE event name, or {@code null}
 * @param retryMillis    reconnection hint, or -1 for none
 * @param idempotencyKey the client's key that makes a retry of this publish append nothing, or {@code null}
 * @param indexedId      a publisher-supplied ID (a Mercure update's) that the ID index maps to this event's
 *                       entry, or {@code null}; never with an idempotency key
 */
public record NewEvent(Topic topic, String event, String data, long retryMillis, String idempotencyKey, String indexedId) {
    /** An event of Herald's own API: no indexed ID. */
    public NewEvent(Topic topic, String event, String data, long retryMillis, String idempotencyKey) {
        this(topic, event, data, retryMillis, idempotencyKey, null);
    }
}
