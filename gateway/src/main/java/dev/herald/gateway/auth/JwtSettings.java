package dev.herald.gateway.auth;

import com.nimbusds.jose.jwk.JWKSet;
import java.time.Duration;

/**
 * How subscriber JWTs are verified ({@code herald.auth.jwt.*}).
 *
 * @param hs256Secret shared secret of HS256 tokens (its UTF-8 bytes), or null to accept none
 * @param jwks        public keys of RS256 and ES256 tokens, or null to accept none
 * @param issuer      the {@code iss} every token must carry, or null for any
 * @param audience    an {@code aud} every token must include, or null for any
 * @param clockSkew   how far clocks may disagree; a token is honoured until {@code exp} plus this
 */
public record JwtSettings(byte[] hs256Secret, JWKSet jwks, String issuer, String audience, Duration clockSkew) {
    /** The shortest HS256 secret: RFC 7518 requires a key as long as the hash, 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;
}
