package dev.herald.client;

/**
 * An event Herald appended: its topic, its ID (the SSE {@code id:} a subscriber of that topic alone sees, and
 * a valid {@code Last-Event-ID}), and whether it was a retry of an idempotency key already used.
 */
public record Published(String topic, String id, boolean duplicate) {
}
