package dev.herald.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import dev.herald.gateway.auth.AuthenticationException.Reason;
import java.security.Key;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies subscriber JWTs with Nimbus JOSE+JWT: HS256 with a shared secret, RS256 and ES256 with the
 * public keys of a JWKS file. The key is chosen by the token's {@code alg} from the keys of that family
 * only, so an RSA public key can never serve as an HMAC secret, and unsigned ({@code alg: none}) or
 * encrypted tokens are rejected. {@code exp} is required: a stream opened with a token that never expires
 * could never be cut off. The topics a token may read are the glob patterns of its
 * {@value #SUBSCRIBE_CLAIM} claim (an array of strings; absent means none).
 */
public final class JwtAuthenticator implements SubscriberAuthenticator {
    public static final String SUBSCRIBE_CLAIM = "herald.subscribe";

    private final ConfigurableJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final long skewMillis;

    public JwtAuthenticator(JwtSettings settings) {
        JWSKeySelector<SecurityContext> hmac = settings.hs256Secret() == null ? null
                : new SingleKeyJWSKeySelector<>(JWSAlgorithm.HS256, new SecretKeySpec(settings.hs256Secret(), "HmacSHA256"));
        JWSKeySelector<SecurityContext> publicKeys = settings.jwks() == null ? null
                : new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), new ImmutableJWKSet<>(settings.jwks()));
        processor.setJWSKeySelector((header, context) -> {
            JWSKeySelector<SecurityContext> selector = JWSAlgorithm.HS256.equals(header.getAlgorithm()) ? hmac : publicKeys;
            return selector == null ? List.<Key>of() : selector.selectJWSKeys(header, context);
        });
        JWTClaimsSet exact = settings.issuer() == null ? null : new JWTClaimsSet.Builder().issuer(settings.issuer()).build();
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(settings.audience(), exact, Set.of("exp"));
        claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        this.skewMillis = settings.clockSkew().toSeconds() * 1000;
    }

    @Override
    public SubscriberGrant authenticate(String token) throws AuthenticationException {
        JWTClaimsSet claims;
        List<String> patterns;
        try {
            claims = processor.process(token, null);
            patterns = claims.getStringListClaim(SUBSCRIBE_CLAIM);
        } catch (ExpiredJWTException e) {
            throw new AuthenticationException(Reason.TOKEN_EXPIRED, "the token has expired");
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new AuthenticationException(Reason.TOKEN_INVALID, "the token is not valid: " + e.getMessage());
        }
        if (patterns == null) {
            patterns = List.of();
        }
        for (String p : patterns) {
            String problem = TopicGlobs.problemWith(p);
            if (problem != null) {
                throw new AuthenticationException(Reason.TOKEN_INVALID, "the token's " + SUBSCRIBE_CLAIM + " claim is not valid: " + problem);
            }
        }
        // Honoured exactly as long as the claims verifier accepts it, so a stream ended at this instant
        // is not reopened with the same token.
        Instant expiresAt = claims.getExpirationTime().toInstant().plusMillis(skewMillis);
        return new SubscriberGrant(claims.getSubject(), expiresAt, TopicGlobs.of(patterns));
    }
}
