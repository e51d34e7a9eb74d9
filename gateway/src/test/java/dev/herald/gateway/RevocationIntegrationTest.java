package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.gateway.connection.CloseReason;
import dev.herald.gateway.connection.StreamEvents;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.gateway.testing.Tokens;
import dev.herald.testing.RedisExtension;
import dev.herald.testing.SseParser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /v1/disconnect} on the publisher against two gateways on one real Redis: the streams a request
 * names (by token subject, topic or token ID) get a {@code herald.revoked} notice and are closed on both
 * gateways within a second, the others go on, and a revoked token ID is refused at stream open, also by a
 * gateway started after the revocation, until the token's expiry.
 */
class RevocationIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration WITHIN = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "an-hs256-secret-of-at-least-32-bytes!";
    /** Gateways authenticate; the publisher, which shares the clock skew, takes disconnect requests without credentials. */
    private static final Map<String, Object> AUTH = Map.of("herald.auth.enabled", true, "herald.auth.jwt.hs256-secret", SECRET);

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestCluster cluster;
    static Gateway first;
    static Gateway second;
    private final List<SseClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(redis.uri(), 0, Map.of("herald.auth.jwt.clock-skew", "0s"));
        first = cluster.startGateway(AUTH);
        second = cluster.startGateway(AUTH);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (SseClient c : clients) {
            c.close();
        }
    }

    private static String token(String subject, String tokenId, Instant expiresAt) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder(Tokens.claims(expiresAt, "news.*").build()).subject(subject).jwtID(tokenId);
        return Tokens.hs256(SECRET, claims.build());
    }

    private static String token(String subject, String tokenId) {
        return token(subject, tokenId, Instant.now().plusSeconds(600));
    }

    /** A stream that is open (its opening comment arrived). */
    private SseClient stream(Gateway gateway, String token, String... topics) throws Exception {
        StringBuilder query = new StringBuilder("/v1/stream?accessToken=" + token);
        for (String t : topics) {
            query.append("&topic=").append(t);
        }
        SseClient c = SseClient.open(gateway.port(), query.toString(), Map.of());
        clients.add(c);
        assertThat(c.status()).as("status, body %s", c.errorBody()).isEqualTo(200);
        Awaitility.await().atMost(WAIT).until(() -> !c.comments().isEmpty());
        return c;
    }

    private static JsonNode disconnect(String body) throws Exception {
        HttpResponse<String> r = cluster.post("/v1/disconnect", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body());
    }

    /** Each of {@code streams} ends within a second with a herald.revoked notice naming {@code by}. */
    private static void assertRevoked(String by, String value, SseClient... streams) throws Exception {
        for (SseClient c : streams) {
            Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(10)).until(c::ended);
        }
        for (SseClient c : streams) {
            List<SseParser.Event> events = c.events();
            SseParser.Event notice = events.get(events.size() - 1);
            assertThat(notice.type()).isEqualTo(StreamEvents.REVOKED);
            JsonNode data = JSON.readTree(notice.data());
            assertThat(data.get("by").asText()).isEqualTo(by);
            assertThat(data.get("value").asText()).isEqualTo(value);
            assertThat(notice.retry()).as("the 2 s retry, jittered").isBetween(1_000L, 3_000L);
        }
    }

    /** {@code c} is still open and delivers what is published to {@code topic} now. */
    private static void assertStillStreams(SseClient c, String topic) {
        int before = c.data().size();
        cluster.publish(topic, "still here");
        c.awaitData(before + 1, WAIT);
        assertThat(c.ended()).isFalse();
    }

    @Test
    void aSubjectsStreamsOnEveryGatewayAreClosedWithANoticeAndOthersGoOn() throws Exception {
        double closedBefore = first.metrics().closes(CloseReason.REVOKED) + second.metrics().closes(CloseReason.REVOKED);
        SseClient aliceOnFirst = stream(first, token("alice", "a-1"), "news.sub");
        SseClient aliceOnSecond = stream(second, token("alice", "a-2"), "news.other");
        SseClient bob = stream(first, token("bob", "b-1"), "news.sub");

        assertThat(disconnect("{\"sub\":\"alice\"}").get("sub").asText()).isEqualTo("alice");

        assertRevoked("sub", "alice", aliceOnFirst, aliceOnSecond);
        assertStillStreams(bob, "news.sub");
        assertThat(first.metrics().closes(CloseReason.REVOKED) + second.metrics().closes(CloseReason.REVOKED)).isEqualTo(closedBefore + 2);
        // Only a token ID stays refused: the subject may open a stream again.
        stream(second, token("alice", "a-3"), "news.sub");
    }

    @Test
    void aTopicsStreamsAreClosedWhateverTheirOtherTopicsAndOthersGoOn() throws Exception {
        SseClient onFirst = stream(first, token("carol", "c-1"), "news.topic");
        SseClient mixed = stream(second, token("dave", "d-1"), "news.elsewhere", "news.topic");
        SseClient other = stream(second, token("carol", "c-2"), "news.elsewhere");

        disconnect("{\"topic\":\"news.topic\"}");

        assertRevoked("topic", "news.topic", onFirst, mixed);
        assertStillStreams(other, "news.elsewhere");
    }

    @Test
    void aRevokedTokenIdIsClosedAndRefusedUntilItsExpiryAlsoByAGatewayStartedLater() throws Exception {
        Instant exp = Instant.now().plusSeconds(3);
        String revoked = token("erin", "e-revoked", exp);
        SseClient onFirst = stream(first, revoked, "news.jti");
        SseClient onSecond = stream(second, revoked, "news.jti");
        SseClient sameSubjectOtherToken = stream(first, token("erin", "e-kept"), "news.jti");

        JsonNode answer = disconnect("{\"jti\":\"e-revoked\",\"exp\":" + exp.getEpochSecond() + "}");
        assertThat(answer.get("refusedUntil").asText()).isEqualTo(Instant.ofEpochSecond(exp.getEpochSecond()).toString());

        assertRevoked("jti", "e-revoked", onFirst, onSecond);
        assertStillStreams(sameSubjectOtherToken, "news.jti");
        Gateway later = cluster.startGateway(AUTH);
        for (Gateway g : List.of(first, second, later)) {
            try (SseClient c = SseClient.open(g.port(), "/v1/stream?topic=news.jti&accessToken=" + revoked, Map.of())) {
                assertThat(c.status()).isEqualTo(401);
                JsonNode body = JSON.readTree(c.errorBody());
                assertThat(body.get("error").asText()).isEqualTo("unauthorized");
                assertThat(body.get("reason").asText()).isEqualTo("token_revoked");
            }
        }
        // Past the revoked token's expiry the ID is no longer refused: a new token that reuses it is accepted.
        Awaitility.await().atMost(WAIT).until(() -> Instant.now().isAfter(exp));
        String reissued = token("erin", "e-revoked");
        stream(first, reissued, "news.jti");
        stream(later, reissued, "news.jti");
    }
}
