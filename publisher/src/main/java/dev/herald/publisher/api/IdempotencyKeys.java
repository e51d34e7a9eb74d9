package dev.herald.publisher.api;

/**
 * Validates idempotency keys: 1 to {@value #MAX_LENGTH} visible ASCII characters ({@code !} to {@code ~}).
 * Spaces are excluded on purpose: HTTP strips them around a header value, so {@code " a"} would be one key
 * in a batch item and another in a header. Clients typically send a UUID.
 */
final class IdempotencyKeys {
    static final int MAX_LENGTH = 200;

    private IdempotencyKeys() {
    }

    /** {@code key} if valid, else throws {@link ApiException} ({@code invalid_idempotency_key}) saying where it was. */
    static String check(String key, String where) {
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            throw new ApiException(ErrorCode.INVALID_IDEMPOTENCY_KEY, where + " must be 1 to " + MAX_LENGTH + " characters, was " + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < '!' || c > '~') {
                throw new ApiException(ErrorCode.INVALID_IDEMPOTENCY_KEY, where + " may only hold visible ASCII characters (! to ~)");
            }
        }
        return key;
    }
}
