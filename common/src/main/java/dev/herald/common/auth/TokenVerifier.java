package dev.herald.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Verifies a compact JWS (a signed JWT) and turns it into a {@link Grant}. Thread-safe and immutable.
 *
 * <p>In order, so the first problem found is the one reported: the text must parse as a JWT
 * ({@code token_malformed}); it must be signed ({@code alg=none} is {@code token_invalid}) with an algorithm
 * that has a configured key, and one of those keys must verify the signature ({@code token_invalid}); only
 * then are the claims read: {@code exp} is required, and the token is {@code token_expired} once
 * {@code now > exp + clockSkew}, {@code token_not_yet_valid} while {@code now + clockSkew < nbf}; if an issuer
 * or audience is configured, {@code iss} must equal it and {@code aud} must contain it. The topics come from
 * the claims {@value #PUBLISH_CLAIM} and {@value #SUBSCRIBE_CLAIM}, arrays of {@link TopicPattern} globs;
 * an absent claim grants nothing, a claim of another shape is {@code token_malformed}.
 */
public final class TokenVerifier {
    public static final String PUBLISH_CLAIM = "herald.publish";
    public static final String SUBSCRIBE_CLAIM = "herald.subscribe";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** Longest token accepted; bounds the work a hostile request can cause. */
    public static final int MAX_TOKEN_LENGTH = 8 * 1024;

    private final KeySource keys;
    private final String issuer;
    private final String audience;
    private final Duration clockSkew;
    private final Clock clock;

    /**
     * @param issuer   required {@code iss}, or {@code null} to accept any
     * @param audience required member of {@code aud}, or {@code null} to accept any
     */
    public TokenVerifier(VerificationKeys keys, String issuer, String audience, Duration clockSkew, Clock clock) {
        this(KeySource.fixed(keys), issuer, audience, clockSkew, clock);
    }

    /** As above, with keys that may rotate (a JWK set file or URL). */
    public TokenVerifier(KeySource keys, String issuer, String audience, Duration clockSkew, Clock clock) {
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clock skew must not be negative");
        }
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /**
     * Reads the optional keys {@code herald.auth.jwt.hs256-secret}, {@code .jwks-file}, {@code .jwks-url},
     * {@code .issuer}, {@code .audience} and {@code .clock-skew} (default 30s); see {@link KeySource#from}. Throws
     * {@link ConfigException} naming a bad key. Without a secret or key file the verifier refuses every token.
     */
    public static TokenVerifier from(Config c) {
        Duration skew = c.hasPath("herald.auth.jwt.clock-skew") ? c.getDuration("herald.auth.jwt.clock-skew") : DEFAULT_CLOCK_SKEW;
        if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new ConfigException.BadValue(c.origin(), "herald.auth.jwt.clock-skew", "must be between 0 and 10m");
        }
        return new TokenVerifier(KeySource.from(c), AuthConfig.optionalString(c, "herald.auth.jwt.issuer"),
                AuthConfig.optionalString(c, "herald.auth.jwt.audience"), skew, Clock.systemUTC());
    }

    /** How long past its {@code exp} a token is still accepted. */
    public Duration clockSkew() {
        return clockSkew;
    }

    /** True if any key is configured; false means every token is refused. */
    public boolean hasKeys() {
        return keys.configured();
    }

    /** The grant of {@code token}; throws {@link AuthException} with the reason it is refused. */
    public Grant verify(String token) {
        JWTClaimsSet claims = verifiedClaims(token, true);
        String subject = claims.getSubject();
        Date exp = dateClaim(claims, "exp");
        return new Grant(subject == null ? "" : subject, claims.getJWTID(), exp.toInstant(), patterns(claims, PUBLISH_CLAIM), patterns(claims, SUBSCRIBE_CLAIM));
    }

    /**
     * The claims of {@code token} once its signature, times, issuer and audience are checked as above, for
     * claims other than Herald's (Mercure's). With {@code expRequired} false a token without {@code exp} is
     * accepted, as Mercure's hub accepts one; throws {@link AuthException} with the reason it is refused.
     */
    public JWTClaimsSet verifiedClaims(String token, boolean expRequired) {
        if (token == null || token.isBlank()) {
            throw new AuthException(AuthFailure.TOKEN_MISSING, "no token was sent");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        SignedJWT jwt = verifiedSignature(parse(token));
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token payload is not a JSON claims set");
        }
        checkClaims(claims, expRequired);
        return claims;
    }

    private static JWT parse(String token) {
        try {
            return JWTParser.parse(token);
        } catch (ParseException e) {
            throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token is not a compact JWS (header.payload.signature in base64url)");
        }
    }

    private SignedJWT verifiedSignature(JWT jwt) {
        if (jwt instanceof PlainJWT) {
            throw new AuthException(AuthFailure.TOKEN_INVALID, "token is unsigned (alg none); only signed tokens are accepted");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new AuthException(AuthFailure.TOKEN_INVALID, "token is encrypted; only signed tokens are accepted");
        }
        VerificationKeys current = keys.current();
        List<JWSVerifier> candidates = current.candidates(signed.getHeader());
        if (candidates.isEmpty() && signed.getHeader().getKeyID() != null) {
            current = keys.afterUnknownKeyId(); // the provider may have published a new key
            candidates = current.candidates(signed.getHeader());
        }
        if (!current.accepts(signed.getHeader().getAlgorithm())) {
            throw new AuthException(AuthFailure.TOKEN_INVALID, "token algorithm " + signed.getHeader().getAlgorithm() + " is not accepted");
        }
        for (JWSVerifier verifier : candidates) {
            try {
                if (signed.verify(verifier)) {
                    return signed;
                }
            } catch (JOSEException e) {
                // a signature of the wrong length or encoding: this key does not verify it
            }
        }
        throw new AuthException(AuthFailure.TOKEN_INVALID, "token signature does not verify with any accepted key");
    }

    private void checkClaims(JWTClaimsSet claims, boolean expRequired) {
        Instant now = clock.instant();
        Date exp = dateClaim(claims, "exp");
        if (exp == null && expRequired) {
            throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token has no 'exp' claim; only tokens that expire are accepted");
        }
        if (exp != null && now.isAfter(exp.toInstant().plus(clockSkew))) {
            throw new AuthException(AuthFailure.TOKEN_EXPIRED, "token expired at " + exp.toInstant());
        }
        Date nbf = dateClaim(claims, "nbf");
        if (nbf != null && now.plus(clockSkew).isBefore(nbf.toInstant())) {
            throw new AuthException(AuthFailure.TOKEN_NOT_YET_VALID, "token is not valid before " + nbf.toInstant());
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw new AuthException(AuthFailure.TOKEN_WRONG_ISSUER, "token issuer is not the one accepted");
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw new AuthException(AuthFailure.TOKEN_WRONG_AUDIENCE, "token audience does not include the one accepted");
        }
    }

    private static Date dateClaim(JWTClaimsSet claims, String name) {
        try {
            return claims.getDateClaim(name);
        } catch (ParseException e) {
            throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token claim '" + name + "' is not a number of seconds");
        }
    }

    private static TopicPatterns patterns(JWTClaimsSet claims, String name) {
        if (claims.getClaim(name) == null) {
            return TopicPatterns.NONE;
        }
        List<String> globs;
        try {
            globs = claims.getStringListClaim(name);
        } catch (ParseException e) {
            throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token claim '" + name + "' must be an array of topic patterns");
        }
        try {
            return TopicPatterns.of(globs);
        } catch (IllegalArgumentException e) {
            throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token claim '" + name + "': " + e.getMessage());
        }
    }
}
