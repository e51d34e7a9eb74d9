package dev.herald.gateway.auth;

import dev.herald.common.auth.Grant;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A stream request's verified {@link Grant}, with the instant the gateway stops honouring it: the token's
 * {@code exp} plus the clock skew, exactly as long as {@link dev.herald.common.auth.TokenVerifier} accepts
 * it, so a stream ended then is not reopened with the same token.
 *
 * @param grant     what the token allows
 * @param expiresAt when an open stream on it is ended
 */
public record SubscriberGrant(Grant grant, Instant expiresAt) {
    public SubscriberGrant {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** {@code grant}, a token's, honoured until its {@code exp} plus {@code clockSkew}. */
    public static SubscriberGrant of(Grant grant, Duration clockSkew) {
        Objects.requireNonNull(grant.expiresAt(), "a subscriber token always has an exp");
        return new SubscriberGrant(grant, grant.expiresAt().plus(clockSkew));
    }
}
