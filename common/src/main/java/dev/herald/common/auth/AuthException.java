package dev.herald.common.auth;

/**
 * Credentials were refused, for the {@link AuthFailure} it carries; the message is a sentence fit for the
 * client. Without a stack trace: refusals are expected and cheap to produce, whoever sends the garbage.
 */
public final class AuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final AuthFailure failure;

    public AuthException(AuthFailure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    public AuthFailure failure() {
        return failure;
    }

    /** The failure's stable code, e.g. {@code token_expired}. */
    public String code() {
        return failure.code();
    }
}
