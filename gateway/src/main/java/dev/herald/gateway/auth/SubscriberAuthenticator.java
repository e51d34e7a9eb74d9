package dev.herald.gateway.auth;

/**
 * Turns a subscriber's bearer token into what it may do. The gateway needs nothing more from
 * authentication than this, so any verifier can stand behind it. Called on IO threads: it must not block.
 */
public interface SubscriberAuthenticator {
    /**
     * Verifies {@code token} (signature, expiry, issuer, audience) and returns its grant.
     *
     * @throws AuthenticationException with {@link AuthenticationException.Reason#TOKEN_INVALID} or
     *                                 {@link AuthenticationException.Reason#TOKEN_EXPIRED}
     */
    SubscriberGrant authenticate(String token) throws AuthenticationException;
}
