package dev.herald.client;

/**
 * One event of a stream: its type ({@code message} unless named, e.g. {@code herald.reset}), its data and the
 * last event ID as of this event (the cursor to resume from).
 */
public record SseEvent(String type, String data, String lastEventId) {
}
