package dev.herald.publisher.stream;

/**
 * The outcome of appending one event.
 *
 * @param id        the event's SSE event ID, {@code <partition>:<ms>-<seq>}
 * @param duplicate true if its idempotency key had already been used within the window: {@code id} is the
 *                  first publish's and nothing was appended now
 */
public record Published(String id, boolean duplicate) {
}
