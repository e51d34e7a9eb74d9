package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.gateway.testing.Tokens;
import dev.herald.testing.RedisExtension;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Limits with clear answers: streams per gateway and per client address (a retry hint for EventSource,
 * 503 or 429 with Retry-After for JSON clients), slots given back on every way a request or stream ends,
 * and request heads that are too large.
 */
class StreamLimitsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String SECRET = "an-hs256-secret-of-at-least-32-bytes!";

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestCluster cluster;

    @BeforeAll
    static void start() {
        // Short heartbeats, so a stream whose client went away is noticed (and its slot freed) quickly.
        cluster = TestCluster.start(redis.uri(), 0, Map.of("herald.gateway.heartbeat-interval", "200ms"));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static SseClient stream(Gateway g, String topic, Map<String, String> headers) throws IOException {
        SseClient c = SseClient.open(g.port(), "/v1/stream?topic=" + topic, headers);
        assertThat(c.status()).as("status, body %s", c.errorBody()).isEqualTo(200);
        return c;
    }

    private static void assertStreaming(SseClient c) {
        Awaitility.await().atMost(WAIT).until(() -> !c.comments().isEmpty());
        assertThat(c.ended()).isFalse();
    }

    /** Asserts {@code c} got the refusal EventSource follows: 200, no event, only a retry hint in range, then the end. */
    private static void assertRetryHintOnly(SseClient c, long minRetry, long maxRetry) {
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.header("Content-Type")).startsWith("text/event-stream");
        Awaitility.await().atMost(WAIT).until(c::ended);
        assertThat(c.events()).isEmpty();
        assertThat(c.comments()).isEmpty();
        assertThat(c.reconnectionTime()).isBetween(minRetry, maxRetry);
    }

    private static HttpResponse<String> getJson(Gateway g, String topic, String forwardedFor) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/v1/stream?topic=" + topic))
                .header("Accept", "application/json");
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFullGatewayAnswersANewStreamWithOnlyARetryHintUntilOneOfItsStreamsCloses() throws Exception {
        Gateway g = cluster.startGateway(Map.of("herald.gateway.limits.max-streams", 2));
        SseClient a = stream(g, "full", Map.of());
        try (SseClient b = stream(g, "full", Map.of())) {
            assertStreaming(a);
            assertStreaming(b);
            try (SseClient refused = SseClient.open(g.port(), "/v1/stream?topic=full", Map.of())) {
                assertRetryHintOnly(refused, 1_000, 3_000); // the usual 2 s, jittered: another gateway may have room
            }
            assertThat(g.metrics().refusedCount("max_streams")).isEqualTo(1.0);
            a.close();
            Awaitility.await().atMost(WAIT).until(() -> g.metrics().openConnections() == 1);
            try (SseClient c = stream(g, "full", Map.of())) {
                assertStreaming(c);
            }
        }
    }

    @Test
    void aJsonClientOfAFullGatewayGets503WithRetryAfter() throws Exception {
        Gateway g = cluster.startGateway(Map.of("herald.gateway.limits.max-streams", 1));
        try (SseClient a = stream(g, "full-json", Map.of())) {
            assertStreaming(a);
            HttpResponse<String> r = getJson(g, "full-json", null);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 3);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("error").asText()).isEqualTo("max_streams");
            assertThat(body.get("retryAfterMs").asLong()).isBetween(1_000L, 3_000L);
        }
    }

    @Test
    void heraldsAndMercuresStreamEndpointsShareOneCap() throws Exception {
        Gateway g = cluster.startGateway(Map.of("herald.gateway.limits.max-streams", 1));
        try (SseClient herald = stream(g, "shared-cap", Map.of())) {
            assertStreaming(herald);
            HttpResponse<String> mercure = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port()
                    + "/.well-known/mercure?topic=urn:shared-cap")).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(mercure.statusCode()).as(mercure.body()).isEqualTo(503);
            assertThat(JSON.readTree(mercure.body()).get("error").asText()).isEqualTo("max_streams");
        }
    }

    @Test
    void anAddressAtItsLimitGetsALongerRetryHintWhileOtherAddressesStillStream() throws Exception {
        Gateway g = cluster.startGateway(Map.of("herald.gateway.limits.max-streams-per-address", 2,
                "herald.gateway.reconnect-limit.trust-forwarded-for", true));
        Map<String, String> first = Map.of("X-Forwarded-For", "203.0.113.1");
        try (SseClient a = stream(g, "addr", first); SseClient b = stream(g, "addr", first)) {
            assertStreaming(a);
            assertStreaming(b);
            try (SseClient refused = SseClient.open(g.port(), "/v1/stream?topic=addr", first)) {
                assertRetryHintOnly(refused, 5_000, 15_000); // five times the 2 s retry, jittered: this client should wait
            }
            HttpResponse<String> r = getJson(g, "addr", "203.0.113.1");
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(3, 15);
            assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("max_streams_per_address");
            assertThat(g.metrics().refusedCount("max_streams_per_address")).isEqualTo(2.0);
            try (SseClient other = stream(g, "addr", Map.of("X-Forwarded-For", "203.0.113.2"))) {
                assertStreaming(other);
            }
        }
    }

    @Test
    void theAddressIsTheLastForwardedForEntrySoAClientCannotForgeItsWayPastTheLimit() throws Exception {
        Gateway g = cluster.startGateway(Map.of("herald.gateway.limits.max-streams-per-address", 1,
                "herald.gateway.reconnect-limit.trust-forwarded-for", true));
        // The proxy appended 203.0.113.7; what the client wrote before it does not count.
        try (SseClient a = stream(g, "forged", Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.7"))) {
            assertStreaming(a);
            try (SseClient b = SseClient.open(g.port(), "/v1/stream?topic=forged", Map.of("X-Forwarded-For", "198.51.100.2, 203.0.113.7"))) {
                assertRetryHintOnly(b, 5_000, 15_000);
            }
        }
    }

    @Test
    void slotsAreGivenBackOnEveryWayARequestOrStreamEndsSoTheLimitNeverLeaks() throws Exception {
        Gateway g = cluster.startGateway(Map.of("herald.gateway.limits.max-streams-per-address", 1,
                "herald.auth.enabled", true, "herald.auth.jwt.hs256-secret", SECRET, "herald.auth.jwt.clock-skew", "0s"));
        String token = Tokens.hs256(SECRET, Tokens.claims(Instant.now().plusSeconds(600), "*").build());
        Map<String, String> auth = Map.of("Authorization", "Bearer " + token);
        // Requests answered 400 after taking a slot.
        for (int i = 0; i < 3; i++) {
            try (SseClient bad = SseClient.open(g.port(), "/v1/stream?topic=bad%20name&access_token=" + token, Map.of())) {
                assertThat(bad.status()).isEqualTo(400);
            }
        }
        // A stream its client closes.
        SseClient closed = stream(g, "slots", auth);
        assertStreaming(closed);
        closed.close();
        Awaitility.await().atMost(WAIT).until(() -> g.metrics().openConnections() == 0);
        // A stream the gateway closes: its token expires.
        String shortLived = Tokens.hs256(SECRET, Tokens.claims(Instant.now().plusSeconds(1), "*").build());
        try (SseClient expiring = stream(g, "slots", Map.of("Authorization", "Bearer " + shortLived))) {
            Awaitility.await().atMost(WAIT).until(expiring::ended);
        }
        Awaitility.await().atMost(WAIT).until(() -> g.metrics().openConnections() == 0);
        // The one slot is free after all of that.
        try (SseClient last = stream(g, "slots", auth)) {
            assertStreaming(last);
        }
        assertThat(g.metrics().refusedCount("max_streams_per_address")).isZero();
    }

    @Test
    void aRequestHeadOverTheLimitIsAnswered431WithJson() throws Exception {
        Gateway g = cluster.startGateway(Map.of("herald.gateway.limits.max-header-size", "8KiB"));
        try (SseClient ok = stream(g, "head", Map.of("Cookie", "c=" + "x".repeat(6_000)))) {
            assertStreaming(ok);
        }
        try (SseClient c = SseClient.open(g.port(), "/v1/stream?topic=head", Map.of("Cookie", "c=" + "x".repeat(10_000)))) {
            assertThat(c.status()).isEqualTo(431);
            JsonNode body = JSON.readTree(c.errorBody());
            assertThat(body.get("error").asText()).isEqualTo("headers_too_large");
            assertThat(body.get("message").asText()).contains("8192");
        }
    }

    @Test
    void aRequestHeadFarOverTheLimitIsStoppedWhileBeingReadWithAnEmpty400() throws Exception {
        Gateway g = cluster.startGateway(Map.of("herald.gateway.limits.max-header-size", "8KiB"));
        String request = "GET /v1/stream?topic=head HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: c=" + "x".repeat(40_000) + "\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", g.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400 ").contains("Content-Length: 0").contains("Connection: close");
        }
    }
}
