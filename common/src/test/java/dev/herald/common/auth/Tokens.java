package dev.herald.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Mints tokens for tests, the way an identity provider would. In the common test-jar, so the services'
 * tests sign with the same code.
 */
public final class Tokens {
    /** A 40-byte HS256 secret. */
    public static final String SECRET = "herald-test-secret-0123456789-abcdefghij";

    private Tokens() {
    }

    public static byte[] secretBytes() {
        return SECRET.getBytes(StandardCharsets.UTF_8);
    }

    /** Claims of a token for {@code subject} that expires in {@code ttl} and may publish and subscribe to the given globs. */
    public static JWTClaimsSet.Builder claims(String subject, Duration ttl, List<String> publish, List<String> subscribe) {
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plus(ttl)))
                .claim(TokenVerifier.PUBLISH_CLAIM, publish)
                .claim(TokenVerifier.SUBSCRIBE_CLAIM, subscribe);
    }

    /** An HS256 token with {@link #SECRET} that expires in an hour. */
    public static String hs256(String subject, List<String> publish, List<String> subscribe) {
        return hs256(secretBytes(), claims(subject, Duration.ofHours(1), publish, subscribe).build());
    }

    public static String hs256(byte[] secret, JWTClaimsSet claims) {
        try {
            return sign(new MACSigner(secret), new JWSHeader(JWSAlgorithm.HS256), claims);
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static String rs256(RSAKey key, JWTClaimsSet claims) {
        try {
            return sign(new RSASSASigner(key), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static String es256(ECKey key, JWTClaimsSet claims) {
        try {
            return sign(new ECDSASigner(key), new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e);
        }
        return jwt.serialize();
    }

    public static RSAKey newRsaKey(String keyId) {
        try {
            return new RSAKeyGenerator(2048).keyID(keyId).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey newEcKey(String keyId) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(keyId).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
