package dev.herald.common.mercure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.common.auth.AuthException;
import dev.herald.common.auth.AuthFailure;
import dev.herald.common.auth.TokenVerifier;
import dev.herald.common.auth.Tokens;
import dev.herald.common.auth.VerificationKeys;
import dev.herald.common.http.JsonResponses;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code mercure} claim, read from tokens checked by Herald's own verifier. */
class MercureGrantTest {
    private final TokenVerifier verifier = new TokenVerifier(VerificationKeys.hs256(Tokens.secretBytes()), null, null,
            TokenVerifier.DEFAULT_CLOCK_SKEW, Clock.systemUTC());

    @Test
    void readsPublishAndSubscribeSelectorsAndAcceptsATokenWithoutExp() {
        String token = Tokens.hs256(Tokens.secretBytes(), new JWTClaimsSet.Builder()
                .claim("mercure", Map.of("publish", List.of("https://e.com/books/{id}"), "subscribe", List.of("*"))).build());

        MercureGrant grant = MercureGrant.verify(verifier, token);

        assertThat(grant.expiresAt()).isNull();
        assertThat(grant.publish().matches("https://e.com/books/1")).isTrue();
        assertThat(grant.publish().matches("https://e.com/films/1")).isFalse();
        assertThat(grant.subscribe().matches("anything")).isTrue();
        assertThat(verifier.verifiedClaims(token, false)).isNotNull();
        assertThatThrownBy(() -> verifier.verify(token)).as("Herald's own tokens still need exp")
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.failure()).isEqualTo(AuthFailure.TOKEN_MALFORMED));
    }

    @Test
    void aTokenWithoutTheClaimGrantsNothingAndExpIsKeptAndEnforced() {
        Instant exp = Instant.now().plusSeconds(600);
        MercureGrant grant = MercureGrant.verify(verifier, Tokens.hs256(Tokens.secretBytes(),
                new JWTClaimsSet.Builder().expirationTime(Date.from(exp)).build()));
        assertThat(grant.publish().matches("x")).isFalse();
        assertThat(grant.subscribe().matches("x")).isFalse();
        assertThat(grant.expiresAt()).isEqualTo(exp.truncatedTo(ChronoUnit.SECONDS));
        assertThat(grant.payload()).isNull();

        String expired = Tokens.hs256(Tokens.secretBytes(), new JWTClaimsSet.Builder()
                .expirationTime(Date.from(Instant.now().minusSeconds(3600))).claim("mercure", Map.of("publish", List.of("*"))).build());
        assertThatThrownBy(() -> MercureGrant.verify(verifier, expired))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.failure()).isEqualTo(AuthFailure.TOKEN_EXPIRED));
    }

    @Test
    void mercurePayloadIsKeptAsTheJsonValueTheTokenCarries() throws Exception {
        String token = Tokens.hs256(Tokens.secretBytes(), new JWTClaimsSet.Builder().claim("mercure",
                Map.of("subscribe", List.of("*"), "payload", Map.of("user", "https://e.com/users/1", "roles", List.of("admin")))).build());

        MercureGrant grant = MercureGrant.verify(verifier, token);

        assertThat(grant.payload()).isEqualTo(JsonResponses.MAPPER.readTree("{\"user\":\"https://e.com/users/1\",\"roles\":[\"admin\"]}"));
    }

    @Test
    void aClaimOfTheWrongShapeIsMalformed() {
        for (Object claim : List.of("all", Map.of("publish", "*"), Map.of("subscribe", List.of(1)), Map.of("publish", List.of("{")))) {
            String token = Tokens.hs256(Tokens.secretBytes(), new JWTClaimsSet.Builder().claim("mercure", claim).build());
            assertThatThrownBy(() -> MercureGrant.verify(verifier, token)).as(String.valueOf(claim))
                    .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.failure()).isEqualTo(AuthFailure.TOKEN_MALFORMED));
        }
    }
}
