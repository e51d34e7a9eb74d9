package dev.herald.common.redis;

/**
 * The publish script refused a call because an idempotency key of it was already used, within its window, for
 * an event with another body. Nothing of the call was written.
 */
public final class IdempotencyKeyReusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IdempotencyKeyReusedException(String message) {
        super(message, null, false, false);
    }
}
