package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster-wide topic state: GET /v1/topics/{topic} on the publisher counts the streams open on a topic over
 * every gateway; a gateway that stops reporting (closed, or dead and its report expired) drops out.
 */
class PresenceIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    private static JsonNode subscribers(TestCluster cluster, String topic) throws Exception {
        HttpResponse<String> r = cluster.get(cluster.publisher().port(), "/v1/topics/" + topic);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("subscribers");
    }

    @Test
    void streamsOnATopicAreCountedOverEveryGatewayAndAGatewayThatLeavesStopsCounting() throws Exception {
        try (TestCluster cluster = TestCluster.start(redis.uri(), 0, Map.of("herald.gateway.presence.interval", "200ms"))) {
            Gateway a = cluster.startGateway(Map.of());
            Gateway b = cluster.startGateway(Map.of());
            List<SseClient> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    streams.add(SseClient.open(a.port(), "/v1/stream?topic=presence&topic=presence-other", Map.of()));
                }
                for (int i = 0; i < 2; i++) {
                    streams.add(SseClient.open(b.port(), "/v1/stream?topic=presence", Map.of()));
                }
                Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    JsonNode s = subscribers(cluster, "presence");
                    assertThat(s.get("streams").asLong()).isEqualTo(5);
                    assertThat(s.get("gateways").asInt()).isEqualTo(2);
                });
                assertThat(subscribers(cluster, "presence-other").get("streams").asLong()).isEqualTo(3);
                assertThat(subscribers(cluster, "nobody-here").get("streams").asLong()).isZero();
                assertThat(a.registry().get("herald.gateway.topics").gauge().value()).isEqualTo(2);

                b.close(); // its two streams go with it
                Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    JsonNode s = subscribers(cluster, "presence");
                    assertThat(s.get("streams").asLong()).isEqualTo(3);
                    assertThat(s.get("gateways").asInt()).isEqualTo(1);
                });
            } finally {
                for (SseClient c : streams) {
                    c.close();
                }
            }
        }
    }
}
