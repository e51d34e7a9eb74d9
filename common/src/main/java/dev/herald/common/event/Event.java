package dev.herald.common.event;

import dev.herald.common.topic.Topic;

/**
 * One published event as stored in Redis and delivered to subscribers.
 *
 * @param topic       the topic it was published to
 * @param id          its entry ID in the partition feed and in the topic history
 * @param event       the SSE event name, or {@code null} for the default ("message")
 * @param data        the payload; each line becomes one {@code data:} line
 * @param retryMillis a reconnection hint for clients, or {@code -1} for none
 * @param publishedMicros when the publish script ran (Redis clock, microseconds since the epoch)
 */
public record Event(Topic topic, StreamId id, String event, String data, long retryMillis, long publishedMicros) {
    public Event {
        if (event != null && event.isEmpty()) {
            event = null;
        }
    }
}
