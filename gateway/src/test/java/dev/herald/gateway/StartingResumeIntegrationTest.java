package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A resume that arrives before the gateway's tailer knows where the feeds end is refused with a retry hint
 * (an EventSource gets a 200 stream holding only {@code retry:}, a JSON client 503 with Retry-After), and the
 * same resume once the tailer has positioned gets everything after its cursor: no gap. The tailer is held
 * back by a Redis ACL user that may not run XREVRANGE (how it finds the feed ends) until the test allows it.
 */
class StartingResumeIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aResumeBeforeTheTailerHasPositionedIsRefusedWithARetryHintAndThenServedWithoutAGap() throws Exception {
        try (RedisServer redis = RedisServer.start(); TestCluster cluster = TestCluster.start(redis.uri(), 0, Map.of())) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(cluster.publish("start-t", "before " + i));
            }
            redis.send("ACL", "SETUSER", "gw", "on", ">pw", "~*", "&*", "+@all", "-xrevrange");
            String uri = "redis://gw:pw@127.0.0.1:" + redis.port();
            try (Gateway gateway = Gateway.start(GatewaySettings.from(cluster.config(Map.of("herald.redis.uri", uri))))) {
                for (int i = 5; i < 8; i++) {
                    ids.add(cluster.publish("start-t", "during start " + i));
                }
                String path = "/v1/stream?topic=start-t";
                SseClient refused = SseClient.open(gateway.port(), path, Map.of("Last-Event-ID", ids.get(1)));
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(refused::ended);
                assertThat(refused.status()).isEqualTo(200);
                assertThat(refused.reconnectionTime()).as("retry hint").isNotNull().isPositive();
                assertThat(refused.data()).isEmpty();
                HttpResponse<String> json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .header("Accept", "application/json").header("Last-Event-ID", ids.get(1)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(json.statusCode()).isEqualTo(503);
                assertThat(json.headers().firstValue("Retry-After")).isPresent();
                assertThat(JSON.readTree(json.body()).get("error").asText()).isEqualTo("starting");
                assertThat(gateway.isReady()).isFalse();

                redis.send("ACL", "SETUSER", "gw", "+xrevrange");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(gateway::isReady);
                try (SseClient resumed = SseClient.open(gateway.port(), path, Map.of("Last-Event-ID", ids.get(1)))) {
                    resumed.awaitData(6, Duration.ofSeconds(10));
                    cluster.publish("start-t", "after start");
                    resumed.awaitData(7, Duration.ofSeconds(10));
                    assertThat(resumed.data()).containsExactly("before 2", "before 3", "before 4",
                            "during start 5", "during start 6", "during start 7", "after start");
                }
            }
        }
    }
}
