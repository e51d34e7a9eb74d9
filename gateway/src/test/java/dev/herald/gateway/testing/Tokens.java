package dev.herald.gateway.testing;

import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Short forms, for gateway tests, of the shared token minting in the common test-jar
 * ({@link dev.herald.common.auth.Tokens}): a subscriber token that expires at an instant.
 */
public final class Tokens {
    private Tokens() {
    }

    /** Claims of a subscriber token, expiring at {@code expiresAt}, allowing {@code subscribe}. */
    public static JWTClaimsSet.Builder claims(Instant expiresAt, String... subscribe) {
        return dev.herald.common.auth.Tokens.claims("user-1", Duration.ZERO, List.of(), List.of(subscribe))
                .expirationTime(Date.from(expiresAt));
    }

    /** An HS256 token signed with the UTF-8 bytes of {@code secret}. */
    public static String hs256(String secret, JWTClaimsSet claims) {
        return dev.herald.common.auth.Tokens.hs256(secret.getBytes(StandardCharsets.UTF_8), claims);
    }
}
