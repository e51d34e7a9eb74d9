package dev.herald.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The keys tokens may be signed with, each tied to the one algorithm it verifies: HS256 for the shared
 * secret, RS256 for RSA public keys, ES256 for EC P-256 public keys. Tying key to algorithm is what stops
 * algorithm confusion (an RS256 public key used as an HS256 secret, or {@code alg=none}): a token's
 * {@code alg} only selects among keys made for it.
 */
public final class VerificationKeys {
    /** No keys: every token is refused. */
    public static final VerificationKeys NONE = new VerificationKeys(List.of());
    /** HS256 needs a secret at least as long as its output (RFC 7518, 3.2). */
    public static final int MIN_SECRET_BYTES = 32;
    static final int MIN_RSA_BITS = 2048;
    private static final String BASE64_PREFIX = "base64:";

    /** One key: the algorithm it verifies, its {@code kid} (or null) and a ready verifier. */
    private record Key(JWSAlgorithm algorithm, String keyId, JWSVerifier verifier) {
    }

    private final List<Key> keys;

    private VerificationKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The HS256 shared secret; throws {@link IllegalArgumentException} if it is under 32 bytes. */
    public static VerificationKeys hs256(byte[] secret) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("an HS256 secret must be at least " + MIN_SECRET_BYTES + " bytes, was " + secret.length);
        }
        try {
            return new VerificationKeys(List.of(new Key(JWSAlgorithm.HS256, null, new MACVerifier(secret))));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable HS256 secret: " + e.getMessage(), e);
        }
    }

    /**
     * The public keys of a JWK set: RSA keys (at least 2048 bits) for RS256 and EC P-256 keys for ES256. A
     * private key in the set is used by its public half only. Throws {@link IllegalArgumentException} for
     * any other key, or one marked for encryption or for another algorithm, rather than skip it silently.
     */
    public static VerificationKeys jwks(JWKSet set) {
        List<Key> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            String name = jwk.getKeyID() == null ? "key #" + (keys.size() + 1) : "key '" + jwk.getKeyID() + "'";
            if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
                throw new IllegalArgumentException(name + " is for encryption (use=enc), not signatures");
            }
            keys.add(toKey(name, jwk));
        }
        return new VerificationKeys(keys);
    }

    private static Key toKey(String name, JWK jwk) {
        try {
            if (jwk instanceof RSAKey rsa) {
                requireAlgorithm(name, jwk, JWSAlgorithm.RS256);
                if (rsa.size() < MIN_RSA_BITS) {
                    throw new IllegalArgumentException(name + " has " + rsa.size() + " bits; RS256 keys need at least " + MIN_RSA_BITS);
                }
                return new Key(JWSAlgorithm.RS256, jwk.getKeyID(), new RSASSAVerifier(rsa.toPublicJWK()));
            }
            if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                requireAlgorithm(name, jwk, JWSAlgorithm.ES256);
                return new Key(JWSAlgorithm.ES256, jwk.getKeyID(), new ECDSAVerifier(ec.toPublicJWK()));
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException(name + " is unusable: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(name + " is a " + jwk.getKeyType()
                + (jwk instanceof ECKey ec ? " key on " + ec.getCurve() : " key") + "; only RSA (RS256) and EC P-256 (ES256) public keys are accepted");
    }

    private static void requireAlgorithm(String name, JWK jwk, JWSAlgorithm algorithm) {
        if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(algorithm)) {
            throw new IllegalArgumentException(name + " is marked for " + jwk.getAlgorithm() + "; only " + algorithm + " is accepted for it");
        }
    }

    /** Parses a JWK set document; throws {@link IllegalArgumentException} if it is not one or holds unusable keys. */
    public static VerificationKeys parseJwks(String json) {
        try {
            return jwks(JWKSet.parse(json));
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JWK set: " + e.getMessage(), e);
        }
    }

    /** These keys and {@code more}. */
    public VerificationKeys and(VerificationKeys more) {
        List<Key> all = new ArrayList<>(keys);
        all.addAll(more.keys);
        return new VerificationKeys(all);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /**
     * Reads {@code herald.auth.jwt.hs256-secret}, optional (absent or empty: none). The secret is taken as its
     * UTF-8 bytes, or, written {@code base64:<text>}, as the bytes that base64 (standard or URL-safe, padding
     * optional) decodes to. Throws {@link ConfigException} naming the key. Key files and URLs: {@link KeySource}.
     */
    static VerificationKeys secret(Config c) {
        String secret = AuthConfig.optionalString(c, "herald.auth.jwt.hs256-secret");
        if (secret == null) {
            return NONE;
        }
        try {
            return hs256(secretBytes(secret));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.origin(), "herald.auth.jwt.hs256-secret", e.getMessage());
        }
    }

    static byte[] secretBytes(String secret) {
        if (!secret.startsWith(BASE64_PREFIX)) {
            return secret.getBytes(StandardCharsets.UTF_8);
        }
        String text = secret.substring(BASE64_PREFIX.length()).strip().replace('-', '+').replace('_', '/');
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the text after 'base64:' is not base64: " + e.getMessage(), e);
        }
    }

    boolean accepts(JWSAlgorithm algorithm) {
        for (Key key : keys) {
            if (key.algorithm().equals(algorithm)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The verifiers to try for a token with {@code header}: keys of its algorithm whose {@code kid} is the
     * token's, or that have none (a token's {@code kid} narrows the choice, it never widens it).
     */
    List<JWSVerifier> candidates(JWSHeader header) {
        List<JWSVerifier> found = new ArrayList<>(2);
        for (Key key : keys) {
            if (key.algorithm().equals(header.getAlgorithm())
                    && (key.keyId() == null || header.getKeyID() == null || key.keyId().equals(header.getKeyID()))) {
                found.add(key.verifier());
            }
        }
        return found;
    }
}
