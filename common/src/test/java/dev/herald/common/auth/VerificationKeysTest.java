package dev.herald.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and verifier settings read from configuration, and the keys refused there. */
class VerificationKeysTest {
    @TempDir
    Path dir;

    @Test
    void aPlainSecretIsUsedAsItsUtf8Bytes() {
        TokenVerifier verifier = TokenVerifier.from(config(Map.of("herald.auth.jwt.hs256-secret", Tokens.SECRET)));

        assertThat(verifier.verify(Tokens.hs256("alice", List.of("*"), List.of())).subject()).isEqualTo("alice");
    }

    @Test
    void aBase64SecretIsUsedAsTheBytesItDecodesTo() {
        byte[] secret = new byte[48];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (i * 37);
        }
        String token = Tokens.hs256(secret, Tokens.claims("bob", Duration.ofMinutes(1), List.of(), List.of()).build());

        for (String encoded : List.of(Base64.getEncoder().encodeToString(secret), Base64.getUrlEncoder().withoutPadding().encodeToString(secret))) {
            TokenVerifier verifier = TokenVerifier.from(config(Map.of("herald.auth.jwt.hs256-secret", "base64:" + encoded)));
            assertThat(verifier.verify(token).subject()).isEqualTo("bob");
        }
    }

    @Test
    void aSecretUnder32BytesIsRefusedNamingTheKey() {
        assertBadValue(Map.of("herald.auth.jwt.hs256-secret", "x".repeat(31)), "herald.auth.jwt.hs256-secret", "at least 32 bytes");
        assertBadValue(Map.of("herald.auth.jwt.hs256-secret", "base64:" + Base64.getEncoder().encodeToString(new byte[31])),
                "herald.auth.jwt.hs256-secret", "at least 32 bytes");
        assertBadValue(Map.of("herald.auth.jwt.hs256-secret", "base64:not base64!"), "herald.auth.jwt.hs256-secret", "not base64");
    }

    @Test
    void aJwksFileGivesItsPublicKeysEvenWhenItHoldsPrivateOnes() throws Exception {
        RSAKey rsa = Tokens.newRsaKey("rsa-1");
        Path file = write(new JWKSet(List.of(rsa, Tokens.newEcKey("ec-1").toPublicJWK())).toString(false));

        TokenVerifier verifier = TokenVerifier.from(config(Map.of("herald.auth.jwt.jwks-file", file.toString())));

        assertThat(verifier.hasKeys()).isTrue();
        assertThat(verifier.verify(Tokens.rs256(rsa, Tokens.claims("carol", Duration.ofMinutes(1), List.of(), List.of()).build())).subject())
                .isEqualTo("carol");
    }

    @Test
    void aJwksFileWithAKeyHeraldCannotUseIsRefusedNamingTheKey() throws Exception {
        List<String> unusable = List.of(
                new JWKSet(new OctetSequenceKeyGenerator(256).keyID("oct").generate()).toString(false),
                new JWKSet(new ECKeyGenerator(Curve.P_384).keyID("p384").generate().toPublicJWK()).toString(),
                new JWKSet(new RSAKeyGenerator(2048).keyID("enc").keyUse(KeyUse.ENCRYPTION).generate().toPublicJWK()).toString(),
                new JWKSet(new RSAKeyGenerator(2048).keyID("ps").algorithm(JWSAlgorithm.PS256).generate().toPublicJWK()).toString(),
                "{\"keys\": 42}",
                "not json");
        for (String jwks : unusable) {
            Path file = write(jwks);
            assertThatThrownBy(() -> TokenVerifier.from(config(Map.of("herald.auth.jwt.jwks-file", file.toString()))))
                    .as(jwks)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("herald.auth.jwt.jwks-file");
        }
    }

    @Test
    void anRsaKeyUnder2048BitsIsRefused() throws Exception {
        String small = new JWKSet(new RSAKeyGenerator(1024, true).keyID("small").generate().toPublicJWK()).toString();

        assertThatThrownBy(() -> VerificationKeys.parseJwks(small)).hasMessageContaining("2048");
    }

    @Test
    void aMissingJwksFileIsRefusedNamingTheKey() {
        assertBadValue(Map.of("herald.auth.jwt.jwks-file", dir.resolve("absent.json").toString()), "herald.auth.jwt.jwks-file", "cannot read");
    }

    @Test
    void withoutAnyJwtSettingTheVerifierHasNoKeys() {
        assertThat(TokenVerifier.from(config(Map.of())).hasKeys()).isFalse();
        assertThat(TokenVerifier.from(config(Map.of("herald.auth.jwt.hs256-secret", "", "herald.auth.jwt.jwks-file", " "))).hasKeys()).isFalse();
    }

    @Test
    void aClockSkewOutsideZeroToTenMinutesIsRefused() {
        assertBadValue(Map.of("herald.auth.jwt.hs256-secret", Tokens.SECRET, "herald.auth.jwt.clock-skew", "-1s"), "herald.auth.jwt.clock-skew", "between");
        assertBadValue(Map.of("herald.auth.jwt.hs256-secret", Tokens.SECRET, "herald.auth.jwt.clock-skew", "11m"), "herald.auth.jwt.clock-skew", "between");
    }

    private Path write(String content) throws Exception {
        Path file = Files.createTempFile(dir, "jwks", ".json");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static void assertBadValue(Map<String, ?> settings, String key, String why) {
        assertThatThrownBy(() -> TokenVerifier.from(config(settings)))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining(key)
                .hasMessageContaining(why);
    }

    private static Config config(Map<String, ?> settings) {
        return ConfigFactory.parseMap(settings);
    }
}
