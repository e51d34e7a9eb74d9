package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin port's diagnostics: worst connections, thread dump, on-demand flight recording. */
class DiagnosticsIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestCluster cluster;
    static Gateway gateway;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(redis.uri(), 0, Map.of());
        gateway = cluster.startGateway(Map.of("herald.gateway.max-pending-bytes", "4MiB", "herald.gateway.send-buffer", 8192));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static HttpResponse<byte[]> admin(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theWorstConnectionsListPutsTheSlowClientFirstWithItsDetails() throws Exception {
        try (SseClient fast = SseClient.open(gateway.port(), "/v1/stream?topic=diag-a&topic=diag-b", Map.of());
             SseClient slow = SseClient.slow(gateway.port(), "/v1/stream?topic=diag-a", Map.of(), 2048)) {
            Awaitility.await().until(() -> !slow.comments().isEmpty() && !fast.comments().isEmpty());
            slow.pause();
            String kb = "z".repeat(1000);
            for (int i = 0; i < 200; i++) {
                cluster.publish("diag-a", kb);
            }
            fast.awaitData(200, Duration.ofSeconds(20));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.metrics().totalPendingBytes() > 10_000);
            JsonNode body = JSON.readTree(admin(gateway.adminPort(), "/debug/connections?by=pending&limit=5").body());
            assertThat(body.get("open").asInt()).isEqualTo(2);
            JsonNode worst = body.get("connections").get(0);
            assertThat(worst.get("pendingBytes").asLong()).isGreaterThan(10_000);
            assertThat(worst.get("topics")).extracting(JsonNode::asText).containsExactly("diag-a");
            assertThat(worst.get("remoteAddress").asText()).contains("127.0.0.1");
            assertThat(worst.get("ageMillis").asLong()).isPositive();
            assertThat(worst.get("unwritableMillis").asLong()).isPositive();
            JsonNode other = body.get("connections").get(1);
            assertThat(other.get("bytesSent").asLong()).isGreaterThan(200_000);
            assertThat(other.get("pendingBytes").asLong()).isZero();
        }
        assertThat(admin(gateway.adminPort(), "/debug/connections?by=nonsense").statusCode()).isEqualTo(400);
    }

    @Test
    void aThreadDumpShowsTheTailerAndTheIoThreads() throws Exception {
        String dump = new String(admin(gateway.adminPort(), "/debug/threads").body());
        assertThat(dump).contains("\"herald-tailer-0\"").contains("XNIO-").contains("at ");
        assertThat(new String(admin(cluster.publisher().adminPort(), "/debug/threads").body())).contains("XNIO-");
    }

    @Test
    void anOnDemandFlightRecordingComesBackAsAJfrFile() throws Exception {
        HttpResponse<byte[]> r = admin(gateway.adminPort(), "/debug/jfr?seconds=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains(".jfr"));
        assertThat(new String(r.body(), 0, 3)).isEqualTo("FLR");
        assertThat(admin(gateway.adminPort(), "/debug/jfr?seconds=0").statusCode()).isEqualTo(400);
    }
}
