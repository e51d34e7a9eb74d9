package dev.herald.common.auth;

/**
 * The HTTP forms of credentials and refusals (RFC 9110 section 11, RFC 6750): reading the credentials of
 * one scheme out of an {@code Authorization} value, and writing the {@code WWW-Authenticate} challenge of a
 * 401. Strings only, so each service plugs them into its own server.
 */
public final class AuthHeaders {
    public static final String BEARER = "Bearer";
    public static final String API_KEY = "ApiKey";
    public static final String REALM = "herald";

    private AuthHeaders() {
    }

    /**
     * The credentials after {@code scheme} in an {@code Authorization} value ({@code "Bearer abc"} gives
     * {@code "abc"}), or {@code null} if the value is absent or of another scheme. The scheme is matched
     * case-insensitively, as RFC 9110 says; an empty credential gives {@code ""}.
     */
    public static String credentials(String authorization, String scheme) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        if (value.length() < scheme.length() || !value.regionMatches(true, 0, scheme, 0, scheme.length())) {
            return null;
        }
        String rest = value.substring(scheme.length());
        if (!rest.isEmpty() && rest.charAt(0) != ' ') {
            return null; // "Bearerx": another scheme
        }
        return rest.strip();
    }

    /**
     * A {@code WWW-Authenticate} challenge for {@code scheme}: just the realm when credentials were missing,
     * else with RFC 6750's {@code error="invalid_token"} and the reason code as {@code error_description}
     * (codes are plain ASCII words, so they need no quoting beyond the quotes).
     */
    public static String challenge(String scheme, AuthException failure) {
        String challenge = scheme + " realm=\"" + REALM + "\"";
        if (failure == null || failure.failure() == AuthFailure.TOKEN_MISSING) {
            return challenge;
        }
        return challenge + ", error=\"invalid_token\", error_description=\"" + failure.code() + "\"";
    }
}
