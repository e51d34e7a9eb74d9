package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.herald.common.auth.Tokens;
import dev.herald.gateway.connection.CloseReason;
import dev.herald.gateway.connection.StreamEvents;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import dev.herald.testing.SseParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Subscriber authentication on a gateway with HS256 and a JWKS file (RS256, ES256): where a token may
 * come from, what each bad token gets, public topics, and a stream ended by its token's expiry that the
 * client resumes with a new token, missing nothing. Tokens are verified by the shared
 * {@link dev.herald.common.auth.TokenVerifier}, so the reasons are its {@link dev.herald.common.auth.AuthFailure} codes.
 */
class SubscriberAuthIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "an-hs256-secret-of-at-least-32-bytes!";
    private static final String ISSUER = "https://issuer.test";
    private static final String AUDIENCE = "herald";

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestCluster cluster;
    static Gateway gateway;
    static RSAKey rsa;
    static ECKey ec;

    @BeforeAll
    static void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        Path jwks = Files.createTempFile("herald-jwks", ".json");
        // The file holds the key pairs; the gateway must use only their public halves.
        Files.writeString(jwks, new JWKSet(List.of(rsa, ec)).toString(false));
        cluster = TestCluster.start(redis.uri(), 0, Map.of());
        gateway = cluster.startGateway(Map.of(
                "herald.auth.enabled", true,
                "herald.auth.jwt.hs256-secret", SECRET,
                "herald.auth.jwt.jwks-file", jwks.toString(),
                "herald.auth.jwt.issuer", ISSUER,
                "herald.auth.jwt.audience", AUDIENCE,
                "herald.auth.jwt.clock-skew", "0s",
                "herald.auth.public-topics", List.of("public.*")));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** Claims for {@link #ISSUER} and {@link #AUDIENCE}, expiring at {@code expiresAt}, allowing {@code subscribe}. */
    private static JWTClaimsSet.Builder claims(Instant expiresAt, String... subscribe) {
        return Tokens.claims("user-1", Duration.ZERO, List.of(), List.of(subscribe))
                .expirationTime(Date.from(expiresAt)).issuer(ISSUER).audience(AUDIENCE);
    }

    private static String hs256(String secret, JWTClaimsSet claims) {
        return Tokens.hs256(secret.getBytes(StandardCharsets.UTF_8), claims);
    }

    private static String token(String... subscribe) {
        return hs256(SECRET, claims(Instant.now().plusSeconds(600), subscribe).build());
    }

    private static SseClient open(String pathAndQuery, Map<String, String> headers) throws Exception {
        return SseClient.open(gateway.port(), pathAndQuery, headers);
    }

    /** Opens, checks the stream is up, and that it delivers an event published to {@code topic}. */
    private static void assertStreams(SseClient c, String topic) {
        assertThat(c.status()).as("status, body %s", c.errorBody()).isEqualTo(200);
        Awaitility.await().atMost(WAIT).until(() -> !c.comments().isEmpty());
        cluster.publish(topic, "hello " + topic);
        c.awaitData(1, WAIT);
        assertThat(c.data()).containsExactly("hello " + topic);
    }

    private static JsonNode assertRefused(SseClient c, int status, String error) throws Exception {
        assertThat(c.status()).isEqualTo(status);
        assertThat(c.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(c.errorBody());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(c.header("WWW-Authenticate")).startsWith("Bearer realm=\"herald\"");
        return body;
    }

    @Test
    void aValidTokenInTheAuthorizationHeaderOpensTheStream() throws Exception {
        try (SseClient c = open("/v1/stream?topic=news.header", Map.of("Authorization", "Bearer " + token("news.*")))) {
            assertStreams(c, "news.header");
        }
    }

    @Test
    void aValidTokenInTheCookieOpensTheStream() throws Exception {
        try (SseClient c = open("/v1/stream?topic=news.cookie", Map.of("Cookie", "theme=dark; herald_token=" + token("news.*")))) {
            assertStreams(c, "news.cookie");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"accessToken", "access_token"})
    void aValidTokenInTheAccessTokenQueryParameterOrItsOldSpellingOpensTheStreamAsEventSourceNeeds(String parameter) throws Exception {
        String topic = "news.query-" + parameter.replace('_', '-');
        try (SseClient c = open("/v1/stream?topic=" + topic + "&" + parameter + "=" + token("news.*"), Map.of())) {
            assertStreams(c, topic);
        }
    }

    @Test
    void theAuthorizationHeaderWinsOverTheCookieAndTheQueryParameter() throws Exception {
        String good = token("news.*");
        try (SseClient c = open("/v1/stream?topic=news.order&access_token=garbage",
                Map.of("Authorization", "Bearer " + good, "Cookie", "herald_token=garbage"))) {
            assertStreams(c, "news.order");
        }
        try (SseClient c = open("/v1/stream?topic=news.order", Map.of("Authorization", "Bearer garbage", "Cookie", "herald_token=" + good))) {
            assertThat(assertRefused(c, 401, "unauthorized").get("reason").asText()).isEqualTo("token_malformed");
        }
    }

    @Test
    void aRequestWithoutATokenIsAnswered401WithAJsonBodyAndABearerChallenge() throws Exception {
        double before = gateway.metrics().authFailures("token_missing");
        try (SseClient c = open("/v1/stream?topic=news.none", Map.of())) {
            JsonNode body = assertRefused(c, 401, "unauthorized");
            assertThat(body.get("reason").asText()).isEqualTo("token_missing");
            assertThat(body.get("message").asText()).contains("news.none");
            assertThat(c.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"herald\"");
        }
        assertThat(gateway.metrics().authFailures("token_missing")).isEqualTo(before + 1);
    }

    @Test
    void anExpiredTokenIsAnswered401TokenExpired() throws Exception {
        String expired = hs256(SECRET, claims(Instant.now().minusSeconds(60), "news.*").build());
        try (SseClient c = open("/v1/stream?topic=news.expired", Map.of("Authorization", "Bearer " + expired))) {
            assertThat(assertRefused(c, 401, "unauthorized").get("reason").asText()).isEqualTo("token_expired");
            assertThat(c.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        }
    }

    @Test
    void aTokenSignedWithAnotherSecretIsAnswered401TokenInvalid() throws Exception {
        String forged = hs256("another-secret-that-is-32-bytes-long!", claims(Instant.now().plusSeconds(600), "*").build());
        double before = gateway.metrics().authFailures("token_invalid");
        try (SseClient c = open("/v1/stream?topic=news.forged", Map.of("Authorization", "Bearer " + forged))) {
            assertThat(assertRefused(c, 401, "unauthorized").get("reason").asText()).isEqualTo("token_invalid");
        }
        assertThat(gateway.metrics().authFailures("token_invalid")).isEqualTo(before + 1);
    }

    @Test
    void anUnsignedTokenWithAlgNoneIsAnswered401TokenInvalid() throws Exception {
        String none = new PlainJWT(claims(Instant.now().plusSeconds(600), "*").build()).serialize();
        assertThat(none).endsWith(".");
        try (SseClient c = open("/v1/stream?topic=news.none-alg", Map.of("Authorization", "Bearer " + none))) {
            assertThat(assertRefused(c, 401, "unauthorized").get("reason").asText()).isEqualTo("token_invalid");
        }
    }

    @Test
    void anHs256TokenSignedWithTheRsaPublicKeyAsSecretIsAnswered401() throws Exception {
        // The classic algorithm confusion: an attacker who knows the public key uses it as an HMAC secret.
        String confused = hs256(rsa.toPublicJWK().toJSONString(), claims(Instant.now().plusSeconds(600), "*").build());
        try (SseClient c = open("/v1/stream?topic=news.confused", Map.of("Authorization", "Bearer " + confused))) {
            assertRefused(c, 401, "unauthorized");
        }
    }

    @Test
    void aTokenForAnotherAudienceOrIssuerIsAnswered401WithTheClaimItFails() throws Exception {
        String otherAudience = hs256(SECRET, claims(Instant.now().plusSeconds(600), "*").audience("someone-else").build());
        String otherIssuer = hs256(SECRET, claims(Instant.now().plusSeconds(600), "*").issuer("https://evil.test").build());
        for (Map.Entry<String, String> t : Map.of(otherAudience, "token_wrong_audience", otherIssuer, "token_wrong_issuer").entrySet()) {
            try (SseClient c = open("/v1/stream?topic=news.aud", Map.of("Authorization", "Bearer " + t.getKey()))) {
                assertThat(assertRefused(c, 401, "unauthorized").get("reason").asText()).isEqualTo(t.getValue());
                assertThat(c.header("WWW-Authenticate")).contains("error_description=\"" + t.getValue() + "\"");
            }
        }
    }

    @Test
    void aTokenThatIsNotAJwtOrHasNoExpOrABadPatternIsAnswered401TokenMalformed() throws Exception {
        String noExp = hs256(SECRET, new JWTClaimsSet.Builder(claims(Instant.now(), "*").build()).expirationTime(null).build());
        String badPattern = hs256(SECRET, claims(Instant.now().plusSeconds(600), "news/*").build());
        for (String t : List.of("not.a.jwt", noExp, badPattern)) {
            try (SseClient c = open("/v1/stream?topic=news.malformed", Map.of("Authorization", "Bearer " + t))) {
                assertThat(assertRefused(c, 401, "unauthorized").get("reason").asText()).as(t).isEqualTo("token_malformed");
            }
        }
    }

    @Test
    void aTokenNotValidYetIsAnswered401TokenNotYetValid() throws Exception {
        String early = hs256(SECRET, claims(Instant.now().plusSeconds(600), "*").notBeforeTime(Date.from(Instant.now().plusSeconds(300))).build());
        try (SseClient c = open("/v1/stream?topic=news.early", Map.of("Authorization", "Bearer " + early))) {
            assertThat(assertRefused(c, 401, "unauthorized").get("reason").asText()).isEqualTo("token_not_yet_valid");
        }
    }

    @Test
    void aValidTokenThatDoesNotCoverEveryTopicIsAnswered403Forbidden() throws Exception {
        double before = gateway.metrics().authFailures("forbidden");
        try (SseClient c = open("/v1/stream?topic=news.ok&topic=sports.scores", Map.of("Authorization", "Bearer " + token("news.*")))) {
            JsonNode body = assertRefused(c, 403, "forbidden");
            assertThat(body.get("message").asText()).contains("sports.scores");
            assertThat(c.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
        }
        try (SseClient c = open("/v1/stream?topic=news.ok", Map.of("Authorization", "Bearer " + token()))) {
            assertRefused(c, 403, "forbidden");
        }
        assertThat(gateway.metrics().authFailures("forbidden")).isEqualTo(before + 2);
    }

    @Test
    void aPublicTopicNeedsNoToken() throws Exception {
        try (SseClient c = open("/v1/stream?topic=public.weather", Map.of())) {
            assertStreams(c, "public.weather");
        }
    }

    @Test
    void aStreamMixingPublicAndPrivateTopicsNeedsATokenForThePrivateOnes() throws Exception {
        try (SseClient c = open("/v1/stream?topic=public.mixed&topic=news.mixed", Map.of())) {
            assertThat(assertRefused(c, 401, "unauthorized").get("reason").asText()).isEqualTo("token_missing");
        }
        // The token need not cover the public topic.
        try (SseClient c = open("/v1/stream?topic=public.mixed&topic=news.mixed", Map.of("Authorization", "Bearer " + token("news.*")))) {
            assertStreams(c, "public.mixed");
        }
    }

    @Test
    void rs256AndEs256TokensAreVerifiedWithThePublicKeysOfTheJwksFile() throws Exception {
        String rs = Tokens.rs256(rsa, claims(Instant.now().plusSeconds(600), "rsa.*").build());
        try (SseClient c = open("/v1/stream?topic=rsa.topic", Map.of("Authorization", "Bearer " + rs))) {
            assertStreams(c, "rsa.topic");
        }
        String es = Tokens.es256(ec, claims(Instant.now().plusSeconds(600), "ec.*").build());
        try (SseClient c = open("/v1/stream?topic=ec.topic", Map.of("Authorization", "Bearer " + es))) {
            assertStreams(c, "ec.topic");
        }
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        String unknownKey = Tokens.rs256(stranger, claims(Instant.now().plusSeconds(600), "rsa.*").build());
        try (SseClient c = open("/v1/stream?topic=rsa.topic", Map.of("Authorization", "Bearer " + unknownKey))) {
            assertThat(assertRefused(c, 401, "unauthorized").get("reason").asText()).isEqualTo("token_invalid");
        }
    }

    @Test
    void aStreamEndsWithATokenExpiredEventWhenItsTokenExpiresAndResumesWithANewTokenMissingNothing() throws Exception {
        String topic = "news.expiring";
        String shortLived = hs256(SECRET, claims(Instant.now().plusSeconds(2), "news.*").build());
        double expiriesBefore = gateway.metrics().closes(CloseReason.TOKEN_EXPIRED);
        String lastSeen;
        try (SseClient c = open("/v1/stream?topic=" + topic, Map.of("Authorization", "Bearer " + shortLived))) {
            assertThat(c.status()).isEqualTo(200);
            Awaitility.await().atMost(WAIT).until(() -> !c.comments().isEmpty());
            cluster.publish(topic, "e1");
            cluster.publish(topic, "e2");
            c.awaitData(2, WAIT);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(c::ended);
            List<SseParser.Event> events = c.events();
            SseParser.Event notice = events.get(events.size() - 1);
            assertThat(notice.type()).isEqualTo(StreamEvents.TOKEN_EXPIRED);
            JsonNode data = JSON.readTree(notice.data());
            assertThat(data.get("reason").asText()).isEqualTo("token_expired");
            assertThat(data.get("expiredAt").asText()).isNotEmpty();
            assertThat(notice.retry()).as("the 2 s retry, jittered").isBetween(1_000L, 3_000L);
            assertThat(c.data()).containsExactly("e1", "e2");
            lastSeen = c.lastEventId();
            assertThat(lastSeen).as("the notice does not move the cursor").isEqualTo(events.get(1).lastEventId());
        }
        assertThat(gateway.metrics().closes(CloseReason.TOKEN_EXPIRED)).isEqualTo(expiriesBefore + 1);

        cluster.publish(topic, "e3");
        cluster.publish(topic, "e4");
        // What an EventSource does next on its own: reconnect with the old token, which is now refused.
        try (SseClient c = open("/v1/stream?topic=" + topic, Map.of("Authorization", "Bearer " + shortLived, "Last-Event-ID", lastSeen))) {
            assertThat(assertRefused(c, 401, "unauthorized").get("reason").asText()).isEqualTo("token_expired");
        }
        // What the application does: a new token, and the last event ID it saw.
        try (SseClient c = open("/v1/stream?topic=" + topic + "&accessToken=" + token("news.*") + "&lastEventId=" + lastSeen, Map.of())) {
            c.awaitData(2, WAIT);
            cluster.publish(topic, "e5");
            c.awaitData(3, WAIT);
            assertThat(c.data()).containsExactly("e3", "e4", "e5");
        }
    }
}
