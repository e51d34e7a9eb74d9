package dev.herald.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys that rotate without a restart: a JWK set URL (refreshed on schedule and on an unknown kid) and a file. */
class KeyRotationTest {
    private static final RSAKey A = Tokens.newRsaKey("key-a");
    private static final RSAKey B = Tokens.newRsaKey("key-b");

    private HttpServer provider;
    private final AtomicReference<String> published = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();

    @BeforeEach
    void startProvider() throws Exception {
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.start();
    }

    @AfterEach
    void stopProvider() {
        provider.stop(0);
    }

    private static String jwks(RSAKey... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    private static String token(RSAKey key) {
        return Tokens.rs256(key, Tokens.claims("alice", Duration.ofHours(1), List.of(), List.of("news")).build());
    }

    private TokenVerifier verifier(Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(more);
        settings.put("herald.auth.jwt.jwks-url", "http://127.0.0.1:" + provider.getAddress().getPort() + "/jwks.json");
        return TokenVerifier.from(ConfigFactory.parseMap(settings));
    }

    @Test
    void aTokenSignedWithANewlyPublishedKeyVerifiesAtOnce() {
        published.set(jwks(A));
        TokenVerifier verifier = verifier(Map.of("herald.auth.jwt.jwks-min-refresh", "0s"));
        assertThat(verifier.verify(token(A)).subject()).isEqualTo("alice");
        int before = fetches.get();
        published.set(jwks(A, B));
        assertThat(verifier.verify(token(B)).subject()).as("unknown kid: fetched again").isEqualTo("alice");
        assertThat(fetches.get()).isEqualTo(before + 1);
    }

    @Test
    void madeUpKeyIdsCannotMakeTheServiceHammerTheProvider() {
        published.set(jwks(A));
        TokenVerifier verifier = verifier(Map.of("herald.auth.jwt.jwks-min-refresh", "1h"));
        int before = fetches.get();
        for (int i = 0; i < 20; i++) {
            RSAKey stranger = Tokens.newRsaKey("made-up-" + i);
            assertThatThrownBy(() -> verifier.verify(token(stranger))).isInstanceOf(AuthException.class);
        }
        assertThat(fetches.get() - before).as("fetches for 20 unknown kids within the minimum interval").isLessThanOrEqualTo(1);
    }

    @Test
    void aKeyTheProviderWithdrawsStopsVerifyingAtTheNextRefresh() {
        published.set(jwks(A));
        TokenVerifier verifier = verifier(Map.of("herald.auth.jwt.jwks-refresh", "1s"));
        String oldToken = token(A);
        assertThat(verifier.verify(oldToken).subject()).isEqualTo("alice");
        published.set(jwks(B));
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThatThrownBy(() -> verifier.verify(oldToken)).isInstanceOf(AuthException.class));
    }

    @Test
    void aChangedKeyFileIsReadAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, jwks(A));
        TokenVerifier verifier = TokenVerifier.from(ConfigFactory.parseMap(Map.of("herald.auth.jwt.jwks-file", file.toString())));
        assertThat(verifier.verify(token(A)).subject()).isEqualTo("alice");
        Files.writeString(file, jwks(B));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5))); // a coarse clock must still see a change
        String rotated = token(B);
        Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .untilAsserted(() -> assertThat(verifier.verify(rotated).subject()).isEqualTo("alice"));
        assertThatThrownBy(() -> verifier.verify(token(A))).isInstanceOf(AuthException.class);
    }
}
