package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.herald.common.auth.Grant;
import dev.herald.common.auth.Tokens;
import dev.herald.common.config.ConfigLoader;
import dev.herald.common.config.ConfigLoader.BadConfigException;
import dev.herald.common.topic.Topic;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The security keys: defaults, and a bad value stops the start with a line naming its key. */
class SecuritySettingsTest {
    private static final String SECRET = Tokens.SECRET;

    private static GatewaySettings settings(Map<String, Object> overrides) {
        return GatewaySettings.from(ConfigFactory.parseMap(overrides).withFallback(ConfigLoader.load()).resolve());
    }

    @Test
    void byDefaultAuthenticationAndCorsAreOffAndTheLimitsAreSet() {
        GatewaySettings s = settings(Map.of());
        assertThat(s.auth().enabled()).isFalse();
        assertThat(s.auth().cookieName()).isEqualTo("herald_token");
        assertThat(s.cors().enabled()).isFalse();
        assertThat(s.maxStreams()).isEqualTo(20_000);
        assertThat(s.maxStreamsPerAddress()).isZero();
        assertThat(s.maxHeaderSize()).isEqualTo(32 * 1024);
    }

    @Test
    void listsMayBeGivenAsCommaSeparatedStringsAsEnvironmentVariablesAre() {
        GatewaySettings s = settings(Map.of("herald.cors.allowed-origins", "https://a.example, http://localhost:3000",
                "herald.auth.public-topics", "public.*,status"));
        assertThat(s.cors().origins()).containsExactlyInAnyOrder("https://a.example", "http://localhost:3000");
        assertThat(s.auth().publicTopics().matches(Topic.of("status"))).isTrue();
        assertThat(s.auth().publicTopics().matches(Topic.of("public.x"))).isTrue();
    }

    @Test
    void enablingAuthenticationWithoutAKeyIsRejected() {
        assertThatThrownBy(() -> settings(Map.of("herald.auth.enabled", true)))
                .isInstanceOf(BadConfigException.class).hasMessageContaining("herald.auth.jwt.hs256-secret").hasMessageContaining("jwks-file");
    }

    @Test
    void anHs256SecretShorterThan32BytesIsRejected() {
        assertThatThrownBy(() -> settings(Map.of("herald.auth.enabled", true, "herald.auth.jwt.hs256-secret", "short")))
                .isInstanceOf(BadConfigException.class).hasMessageContaining("herald.auth.jwt.hs256-secret").hasMessageContaining("32 bytes");
    }

    @Test
    void aJwksFileThatIsMissingOrHoldsNoPublicKeyIsRejected() throws Exception {
        assertThatThrownBy(() -> settings(Map.of("herald.auth.enabled", true, "herald.auth.jwt.jwks-file", "/nonexistent/jwks.json")))
                .isInstanceOf(BadConfigException.class).hasMessageContaining("herald.auth.jwt.jwks-file");
        Path symmetricOnly = Files.createTempFile("jwks", ".json");
        Files.writeString(symmetricOnly, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}");
        assertThatThrownBy(() -> settings(Map.of("herald.auth.enabled", true, "herald.auth.jwt.jwks-file", symmetricOnly.toString())))
                .isInstanceOf(BadConfigException.class).hasMessageContaining("herald.auth.jwt.jwks-file")
                .hasMessageContaining("only RSA (RS256) and EC P-256 (ES256) public keys are accepted");
    }

    @Test
    void aWildcardOrMalformedOriginOrTopicPatternIsRejected() {
        assertThatThrownBy(() -> settings(Map.of("herald.cors.allowed-origins", List.of("*"))))
                .isInstanceOf(BadConfigException.class).hasMessageContaining("herald.cors.allowed-origins");
        assertThatThrownBy(() -> settings(Map.of("herald.cors.allowed-origins", List.of("https://a.example/app"))))
                .isInstanceOf(BadConfigException.class).hasMessageContaining("herald.cors.allowed-origins");
        assertThatThrownBy(() -> settings(Map.of("herald.auth.public-topics", List.of("news/*"))))
                .isInstanceOf(BadConfigException.class).hasMessageContaining("herald.auth.public-topics");
    }

    @Test
    void negativeLimitsAndATinyHeaderLimitAreRejected() {
        assertThatThrownBy(() -> settings(Map.of("herald.gateway.limits.max-streams", -1)))
                .isInstanceOf(BadConfigException.class).hasMessageContaining("herald.gateway.limits.max-streams");
        assertThatThrownBy(() -> settings(Map.of("herald.gateway.limits.max-header-size", "1KiB")))
                .isInstanceOf(BadConfigException.class).hasMessageContaining("herald.gateway.limits.max-header-size");
    }

    @Test
    void aValidHs256SecretEnablesAuthentication() {
        GatewaySettings s = settings(Map.of("herald.auth.enabled", true, "herald.auth.jwt.hs256-secret", SECRET));
        assertThat(s.auth().tokens().hasKeys()).isTrue();
        assertThat(s.auth().clockSkew()).hasSeconds(30);
        // No issuer or audience is required by default, and the token's subscribe patterns are its grant.
        Grant grant = s.auth().tokens().verify(Tokens.hs256("user-1", List.of(), List.of("news.*")));
        assertThat(grant.maySubscribe(Topic.of("news.eu"))).isTrue();
        assertThat(grant.maySubscribe(Topic.of("sports"))).isFalse();
    }

    @Test
    void theCorsPreflightAllowsStreamRequestsWithTheHeadersSseClientsSendForTenMinutesByDefault() {
        GatewaySettings s = settings(Map.of("herald.cors.allowed-origins", List.of("https://a.example")));
        assertThat(s.cors().allowMethods()).isEqualTo("GET, OPTIONS");
        assertThat(s.cors().allowHeaders()).isEqualTo("Authorization, Last-Event-ID, Cache-Control");
        assertThat(s.cors().maxAge()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.cors().anyOrigin()).isFalse();
    }
}
