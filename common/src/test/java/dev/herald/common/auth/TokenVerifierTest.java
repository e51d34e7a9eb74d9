package dev.herald.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.herald.common.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenVerifierTest {
    private static final Duration SKEW = TokenVerifier.DEFAULT_CLOCK_SKEW;
    private static final RSAKey RSA = Tokens.newRsaKey("rsa-1");
    private static final ECKey EC = Tokens.newEcKey("ec-1");

    private final TokenVerifier hs256 = verifier(VerificationKeys.hs256(Tokens.secretBytes()), null, null);

    @Test
    void aValidHs256TokenGrantsItsSubjectExpiryAndTopicPatterns() {
        Instant exp = Instant.now().plusSeconds(600);
        String token = Tokens.hs256(Tokens.secretBytes(), claims().expirationTime(Date.from(exp)).build());

        Grant grant = hs256.verify(token);

        assertThat(grant.subject()).isEqualTo("alice");
        assertThat(grant.expiresAt()).isEqualTo(exp.truncatedTo(ChronoUnit.SECONDS));
        assertThat(grant.mayPublish(Topic.of("news.eu"))).isTrue();
        assertThat(grant.mayPublish(Topic.of("orders"))).isFalse();
        assertThat(grant.maySubscribe(Topic.of("orders"))).isTrue();
        assertThat(grant.maySubscribe(Topic.of("news.eu"))).isFalse();
    }

    @Test
    void aValidRs256TokenFromTheJwksIsAccepted() {
        TokenVerifier verifier = verifier(VerificationKeys.jwks(new JWKSet(List.of(RSA.toPublicJWK(), EC.toPublicJWK()))), null, null);

        assertThat(verifier.verify(Tokens.rs256(RSA, claims().build())).subject()).isEqualTo("alice");
    }

    @Test
    void aValidEs256TokenFromTheJwksIsAccepted() {
        TokenVerifier verifier = verifier(VerificationKeys.jwks(new JWKSet(List.of(RSA.toPublicJWK(), EC.toPublicJWK()))), null, null);

        assertThat(verifier.verify(Tokens.es256(EC, claims().build())).subject()).isEqualTo("alice");
    }

    @Test
    void aTokenSignedWithAnotherSecretIsInvalid() {
        String forged = Tokens.hs256("another-secret-that-is-also-32-bytes-long".getBytes(StandardCharsets.UTF_8), claims().build());

        assertRefused(hs256, forged, AuthFailure.TOKEN_INVALID);
    }

    @Test
    void aTokenSignedWithAnotherRsaKeyOfTheSameKidIsInvalid() {
        TokenVerifier verifier = verifier(VerificationKeys.jwks(new JWKSet(RSA.toPublicJWK())), null, null);

        assertRefused(verifier, Tokens.rs256(Tokens.newRsaKey("rsa-1"), claims().build()), AuthFailure.TOKEN_INVALID);
    }

    @Test
    void aTokenWithItsPayloadChangedAfterSigningIsInvalid() {
        String[] parts = Tokens.hs256(Tokens.secretBytes(), claims().build()).split("\\.");
        String widened = Base64URL.encode(claims().claim(TokenVerifier.PUBLISH_CLAIM, List.of("*")).build().toString()).toString();

        assertRefused(hs256, parts[0] + "." + widened + "." + parts[2], AuthFailure.TOKEN_INVALID);
    }

    @Test
    void anUnsignedTokenWithAlgNoneIsInvalid() {
        String none = new PlainJWT(claims().build()).serialize();

        assertRefused(hs256, none, AuthFailure.TOKEN_INVALID);
        assertRefused(hs256, none + "c2lnbmF0dXJl", AuthFailure.TOKEN_MALFORMED);
    }

    @Test
    void aSignedTokenThatClaimsAlgNoneInItsHeaderIsNotAccepted() {
        String[] parts = Tokens.hs256(Tokens.secretBytes(), claims().build()).split("\\.");
        String noneHeader = Base64URL.encode("{\"alg\":\"none\"}").toString();

        assertThatThrownBy(() -> hs256.verify(noneHeader + "." + parts[1] + "." + parts[2]))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.failure())
                        .isIn(AuthFailure.TOKEN_INVALID, AuthFailure.TOKEN_MALFORMED));
    }

    @Test
    void anHs256TokenSignedWithTheRsaPublicKeyIsInvalidWhenOnlyRsaKeysAreConfigured() throws Exception {
        TokenVerifier verifier = verifier(VerificationKeys.jwks(new JWKSet(RSA.toPublicJWK())), null, null);
        byte[] publicKeyBytes = RSA.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        String confused = Tokens.sign(new MACSigner(publicKeyBytes), new JWSHeader(JWSAlgorithm.HS256), claims().build());

        assertRefused(verifier, confused, AuthFailure.TOKEN_INVALID);
    }

    @Test
    void anAlgorithmWithoutAConfiguredKeyIsInvalid() {
        assertRefused(hs256, Tokens.rs256(RSA, claims().build()), AuthFailure.TOKEN_INVALID);
    }

    @Test
    void aTokenWhoseKidNamesNoConfiguredKeyIsInvalid() {
        TokenVerifier verifier = verifier(VerificationKeys.jwks(new JWKSet(RSA.toPublicJWK())), null, null);
        RSAKey sameKeyOtherKid = new RSAKey.Builder(RSA).keyID("rsa-2").build();

        assertRefused(verifier, Tokens.rs256(sameKeyOtherKid, claims().build()), AuthFailure.TOKEN_INVALID);
    }

    @Test
    void anExpiredTokenIsExpired() {
        String token = Tokens.hs256(Tokens.secretBytes(), claims().expirationTime(Date.from(Instant.now().minusSeconds(31))).build());

        assertRefused(hs256, token, AuthFailure.TOKEN_EXPIRED);
    }

    @Test
    void aTokenExpiredWithinTheClockSkewIsStillAccepted() {
        Instant exp = Instant.parse("2030-01-01T00:00:00Z");
        String token = Tokens.hs256(Tokens.secretBytes(), claims().expirationTime(Date.from(exp)).build());

        assertThat(at(exp.plus(SKEW)).verify(token).subject()).isEqualTo("alice");
        assertRefused(at(exp.plus(SKEW).plusSeconds(1)), token, AuthFailure.TOKEN_EXPIRED);
    }

    @Test
    void aTokenBeforeItsNotBeforeTimeIsNotYetValidBeyondTheClockSkew() {
        Instant nbf = Instant.parse("2030-01-01T00:00:00Z");
        String token = Tokens.hs256(Tokens.secretBytes(), claims().notBeforeTime(Date.from(nbf))
                .expirationTime(Date.from(nbf.plusSeconds(3600))).build());

        assertThat(at(nbf.minus(SKEW)).verify(token).subject()).isEqualTo("alice");
        assertRefused(at(nbf.minus(SKEW).minusSeconds(1)), token, AuthFailure.TOKEN_NOT_YET_VALID);
    }

    @Test
    void aTokenWithoutExpiryIsMalformed() {
        assertRefused(hs256, Tokens.hs256(Tokens.secretBytes(), claims().expirationTime(null).build()), AuthFailure.TOKEN_MALFORMED);
    }

    @Test
    void aTokenFromAnotherIssuerIsRefusedWhenAnIssuerIsConfigured() {
        TokenVerifier verifier = verifier(VerificationKeys.hs256(Tokens.secretBytes()), "https://id.example", null);

        assertThat(verifier.verify(Tokens.hs256(Tokens.secretBytes(), claims().issuer("https://id.example").build()))).isNotNull();
        assertRefused(verifier, Tokens.hs256(Tokens.secretBytes(), claims().issuer("https://evil.example").build()), AuthFailure.TOKEN_WRONG_ISSUER);
        assertRefused(verifier, Tokens.hs256(Tokens.secretBytes(), claims().build()), AuthFailure.TOKEN_WRONG_ISSUER);
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedWhenAnAudienceIsConfigured() {
        TokenVerifier verifier = verifier(VerificationKeys.hs256(Tokens.secretBytes()), null, "herald");

        assertThat(verifier.verify(Tokens.hs256(Tokens.secretBytes(), claims().audience(List.of("other", "herald")).build()))).isNotNull();
        assertRefused(verifier, Tokens.hs256(Tokens.secretBytes(), claims().audience("other").build()), AuthFailure.TOKEN_WRONG_AUDIENCE);
        assertRefused(verifier, Tokens.hs256(Tokens.secretBytes(), claims().build()), AuthFailure.TOKEN_WRONG_AUDIENCE);
    }

    @Test
    void aTokenWithoutTopicClaimsGrantsNothing() {
        Grant grant = hs256.verify(Tokens.hs256(Tokens.secretBytes(), claims()
                .claim(TokenVerifier.PUBLISH_CLAIM, null).claim(TokenVerifier.SUBSCRIBE_CLAIM, null).build()));

        assertThat(grant.publish()).isEqualTo(TopicPatterns.NONE);
        assertThat(grant.subscribe()).isEqualTo(TopicPatterns.NONE);
    }

    @Test
    void topicClaimsThatAreNotArraysOfPatternsAreMalformed() {
        assertRefused(hs256, Tokens.hs256(Tokens.secretBytes(), claims().claim(TokenVerifier.PUBLISH_CLAIM, "news.*").build()),
                AuthFailure.TOKEN_MALFORMED);
        assertRefused(hs256, Tokens.hs256(Tokens.secretBytes(), claims().claim(TokenVerifier.PUBLISH_CLAIM, List.of(42)).build()),
                AuthFailure.TOKEN_MALFORMED);
        assertRefused(hs256, Tokens.hs256(Tokens.secretBytes(), claims().claim(TokenVerifier.SUBSCRIBE_CLAIM, List.of("news/*")).build()),
                AuthFailure.TOKEN_MALFORMED);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"x", "a.b", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln", "eyJhbGciOiJIUzI1NiJ9..", "....", "Bearer abc"})
    void textThatIsNotACompactJwsIsMalformedOrInvalid(String text) {
        assertThatThrownBy(() -> hs256.verify(text))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.failure())
                        .isIn(AuthFailure.TOKEN_MALFORMED, AuthFailure.TOKEN_INVALID));
    }

    @Test
    void aTokenLongerThanTheLimitIsMalformedWithoutBeingParsed() {
        assertRefused(hs256, "a".repeat(TokenVerifier.MAX_TOKEN_LENGTH + 1), AuthFailure.TOKEN_MALFORMED);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", " "})
    void noTokenIsMissing(String token) {
        assertRefused(hs256, token, AuthFailure.TOKEN_MISSING);
        assertRefused(hs256, null, AuthFailure.TOKEN_MISSING);
    }

    @Test
    void aVerifierWithoutKeysRefusesEveryToken() {
        TokenVerifier none = verifier(VerificationKeys.NONE, null, null);

        assertThat(none.hasKeys()).isFalse();
        assertRefused(none, Tokens.hs256("alice", List.of("*"), List.of("*")), AuthFailure.TOKEN_INVALID);
    }

    private static JWTClaimsSet.Builder claims() {
        return Tokens.claims("alice", Duration.ofMinutes(10), List.of("news.*"), List.of("orders"));
    }

    private static TokenVerifier verifier(VerificationKeys keys, String issuer, String audience) {
        return new TokenVerifier(keys, issuer, audience, SKEW, Clock.systemUTC());
    }

    private static TokenVerifier at(Instant now) {
        return new TokenVerifier(VerificationKeys.hs256(Tokens.secretBytes()), null, null, SKEW, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static void assertRefused(TokenVerifier verifier, String token, AuthFailure failure) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(AuthException.class, e -> {
                    assertThat(e.failure()).as(e.getMessage()).isEqualTo(failure);
                    assertThat(e.code()).isEqualTo(failure.code());
                    assertThat(e.getMessage()).isNotBlank();
                });
    }
}
