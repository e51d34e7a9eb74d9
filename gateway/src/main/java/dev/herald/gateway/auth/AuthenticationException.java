package dev.herald.gateway.auth;

import java.util.Locale;

/** A token was not accepted; {@link #reason()} says why in a form clients and metrics can use. */
public final class AuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a request was not authenticated; the wire and metric code is the lower-case name. */
    public enum Reason {
        /** No token in the header, the cookie or the query. */
        TOKEN_MISSING,
        /** Malformed, badly signed, unsigned, for another issuer or audience, or not yet valid. */
        TOKEN_INVALID,
        /** Past its expiry: the client needs a new one. */
        TOKEN_EXPIRED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public AuthenticationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
