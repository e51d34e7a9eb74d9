package dev.herald.common.auth;

import java.util.Locale;

/**
 * Why credentials were refused. The {@link #code()} is stable and machine-readable: services send it to the
 * client (as the {@code reason} of a 401 answer) so a client can tell "refresh the token" from "fix the
 * setup". None of them says anything about the configured keys beyond "not accepted".
 */
public enum AuthFailure {
    /** No credentials at all. */
    TOKEN_MISSING,
    /** Not a compact JWS, or its claims are not what Herald expects (no {@code exp}, a bad pattern...). */
    TOKEN_MALFORMED,
    /** Unsigned ({@code alg=none}), an algorithm not configured, or a signature no configured key verifies. */
    TOKEN_INVALID,
    /** {@code exp} is past, beyond the clock skew. */
    TOKEN_EXPIRED,
    /** {@code nbf} is still ahead, beyond the clock skew. */
    TOKEN_NOT_YET_VALID,
    /** {@code iss} is not the configured issuer. */
    TOKEN_WRONG_ISSUER,
    /** {@code aud} does not name the configured audience. */
    TOKEN_WRONG_AUDIENCE,
    /** Its {@code jti} was revoked ({@code POST /v1/disconnect}); refused until the token expires. */
    TOKEN_REVOKED,
    /** An API key that matches none configured. */
    API_KEY_INVALID;

    private final String code = name().toLowerCase(Locale.ROOT);

    public String code() {
        return code;
    }
}
