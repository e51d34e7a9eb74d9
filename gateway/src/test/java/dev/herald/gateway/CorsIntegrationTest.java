package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CORS headers for allow-listed origins only, preflights, and a gateway without an allow-list. */
class CorsIntegrationTest {
    private static final String ALLOWED = "https://app.example.com";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestCluster cluster;
    static Gateway gateway;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(redis.uri(), 0, Map.of());
        // Written as an operator might; the gateway compares the normalised form with what browsers send.
        gateway = cluster.startGateway(Map.of("herald.cors.allowed-origins", List.of("HTTPS://App.Example.com:443/", "http://localhost:3000")));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static HttpResponse<String> preflight(String origin) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/stream?topic=cors"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization, last-event-id")
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStreamFromAnAllowedOriginCarriesTheOriginCredentialsAndVaryHeaders() throws Exception {
        try (SseClient c = SseClient.open(gateway.port(), "/v1/stream?topic=cors", Map.of("Origin", ALLOWED))) {
            assertThat(c.status()).isEqualTo(200);
            assertThat(c.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
            assertThat(c.header("Access-Control-Allow-Credentials")).isEqualTo("true");
            assertThat(c.header("Vary")).isEqualTo("Origin");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !c.comments().isEmpty());
        }
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnswered204WithTheAllowedMethodAndHeaders() throws Exception {
        HttpResponse<String> r = preflight("http://localhost:3000");
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:3000");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, OPTIONS");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().toLowerCase())
                .contains("authorization").contains("last-event-id");
        assertThat(r.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
        assertThat(r.headers().firstValue("Vary")).hasValue("Origin");
    }

    @Test
    void aStreamFromAnOriginNotListedGetsNoCorsHeaders() throws Exception {
        for (String origin : List.of("https://evil.example.com", "https://app.example.com.evil.example", "http://app.example.com", "null")) {
            try (SseClient c = SseClient.open(gateway.port(), "/v1/stream?topic=cors", Map.of("Origin", origin))) {
                assertThat(c.status()).isEqualTo(200);
                assertThat(c.header("Access-Control-Allow-Origin")).as(origin).isNull();
                assertThat(c.header("Access-Control-Allow-Credentials")).as(origin).isNull();
                assertThat(c.header("Vary")).isEqualTo("Origin");
            }
        }
    }

    @Test
    void aPreflightFromAnOriginNotListedGetsNoCorsHeadersSoTheBrowserNeverSendsTheRequest() throws Exception {
        HttpResponse<String> r = preflight("https://evil.example.com");
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
        assertThat(r.headers().firstValue("Vary")).hasValue("Origin");
    }

    @Test
    void errorAnswersToAnAllowedOriginAreReadableByItsPage() throws Exception {
        try (SseClient c = SseClient.open(gateway.port(), "/v1/stream", Map.of("Origin", ALLOWED))) {
            assertThat(c.status()).isEqualTo(400);
            assertThat(c.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
        }
    }

    @Test
    void aGatewayWithoutAllowedOriginsSendsNoCorsHeadersAtAll() throws Exception {
        Gateway plain = cluster.startGateway(Map.of());
        try (SseClient c = SseClient.open(plain.port(), "/v1/stream?topic=cors", Map.of("Origin", ALLOWED))) {
            assertThat(c.status()).isEqualTo(200);
            assertThat(c.header("Access-Control-Allow-Origin")).isNull();
            assertThat(c.header("Vary")).isNull();
        }
    }

    @Test
    void configuredOriginsAreNormalisedAndAnythingButAnOriginIsRejected() {
        assertThat(GatewaySettings.normalizeOrigin("HTTPS://App.Example.com:443/")).isEqualTo("https://app.example.com");
        assertThat(GatewaySettings.normalizeOrigin("http://localhost:3000")).isEqualTo("http://localhost:3000");
        for (String bad : List.of("*", "null", "app.example.com", "https://app.example.com/path", "ftp://x.example", "https://u@x.example")) {
            assertThatThrownBy(() -> GatewaySettings.normalizeOrigin(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
