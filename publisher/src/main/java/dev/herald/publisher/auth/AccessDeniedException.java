package dev.herald.publisher.auth;

/** Valid credentials that do not allow what the request asks; answered {@code 403 forbidden}. */
public final class AccessDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AccessDeniedException(String message) {
        super(message, null, false, false);
    }
}
