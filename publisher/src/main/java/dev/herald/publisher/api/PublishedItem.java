package dev.herald.publisher.api;

import dev.herald.common.topic.Topic;
import dev.herald.publisher.stream.Published;

/**
 * One published event as answered, serialised in this field order: {@code {"topic", "id", "duplicate"}}.
 *
 * @param duplicate true when the idempotency key had been used: {@code id} is the first publish's
 */
record PublishedItem(String topic, String id, boolean duplicate) {
    static PublishedItem of(Topic topic, Published published) {
        return new PublishedItem(topic.name(), published.id(), published.duplicate());
    }
}
