package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.common.redis.KeyLayout;
import dev.herald.common.topic.Partitioner;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A topic's history is trimmed while a client replays it (the client stalls mid-replay, the history is cut
 * far past where it stands): the client gets what it had, then a herald.reset naming exactly the range that
 * is gone, then the rest. Never a silent gap.
 */
class HistoryTrimmedDuringReplayIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "trim-replay";
    private static final String PAD = "x".repeat(100);

    @Test
    void historyTrimmedPastAReplayInProgressIsReportedWithAResetForExactlyWhatIsGone() throws Exception {
        try (RedisServer redis = RedisServer.start(); TestCluster cluster = TestCluster.start(redis.uri(), 0,
                Map.of("herald.retention.max-len", 100_000, "herald.gateway.replay.page-size", 10,
                        "herald.gateway.max-pending-bytes", "16KiB", "herald.gateway.send-buffer", 8192, "herald.gateway.max-unwritable", "60s"))) {
            Gateway gateway = cluster.startGateway(Map.of());
            int total = 20_000;
            List<String> ids = new ArrayList<>();
            for (int from = 0; from < total; from += 500) {
                StringBuilder batch = new StringBuilder("[");
                for (int i = from; i < from + 500; i++) {
                    batch.append(i == from ? "" : ",").append("{\"topic\":\"" + TOPIC + "\",\"data\":\"" + i + PAD + "\"}");
                }
                JsonNode answer = JSON.readTree(cluster.post("/v1/events", batch.append(']').toString()).body());
                answer.get("events").forEach(e -> ids.add(e.get("id").asText()));
            }
            int cut = 10_000;
            try (SseClient client = SseClient.slow(gateway.port(), "/v1/stream?topic=" + TOPIC, Map.of("Last-Event-ID", ids.get(0)), 4096)) {
                client.pause();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.metrics().replaysInProgress() == 1);
                String history = new KeyLayout("herald").history(new Partitioner(16).partitionOf(Topic.of(TOPIC)), Topic.of(TOPIC));
                redis.send("XTRIM", history, "MINID", ids.get(cut).substring(ids.get(cut).indexOf(':') + 1));
                client.unpause();
                client.awaitData(total - cut, Duration.ofSeconds(30));
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> client.data().contains((total - 1) + PAD));
                List<String> got = client.data();
                int had = got.indexOf(cut + PAD);
                assertThat(had).as("the client stalled before the cut").isPositive().isLessThan(cut - 1);
                List<String> expected = new ArrayList<>();
                for (int i = 1; i <= had; i++) {
                    expected.add(i + PAD);
                }
                for (int i = cut; i < total; i++) {
                    expected.add(i + PAD);
                }
                assertThat(got).isEqualTo(expected);
                List<String> resets = client.data("herald.reset");
                assertThat(resets).hasSize(1);
                JsonNode reset = JSON.readTree(resets.get(0));
                assertThat(reset.get("reason").asText()).isEqualTo("history_trimmed");
                assertThat(reset.get("resumeFrom").asText()).isEqualTo(ids.get(had));
                assertThat(reset.get("oldestRetained").asText()).isEqualTo(ids.get(cut));
                System.out.printf("trimmed during replay: %d published, %d received before the stall, %d after, 1 reset for (%s, %s)%n",
                        total, had, total - cut, ids.get(had), ids.get(cut));
            }
        }
    }

    @Test
    void aResumeRightAfterATrimIsToldOfItEvenIfAnotherResumeJustCheckedTheSameHistory() throws Exception {
        try (RedisServer redis = RedisServer.start(); TestCluster cluster = TestCluster.start(redis.uri(), 0, Map.of())) {
            Gateway gateway = cluster.startGateway(Map.of());
            String topic = "trim-after-check";
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(JSON.readTree(cluster.post("/v1/topics/" + topic + "/events", "{\"data\":\"" + i + "\"}").body()).get("id").asText());
            }
            // A first resume checks the untrimmed history (and sees no trim), then the history is cut to its last event.
            try (SseClient first = SseClient.open(gateway.port(), "/v1/stream?topic=" + topic, Map.of("Last-Event-ID", ids.get(0)))) {
                first.awaitData(4, Duration.ofSeconds(10));
                assertThat(first.data("herald.reset")).isEmpty();
            }
            String history = new KeyLayout("herald").history(new Partitioner(16).partitionOf(Topic.of(topic)), Topic.of(topic));
            redis.send("XTRIM", history, "MAXLEN", "1");
            try (SseClient second = SseClient.open(gateway.port(), "/v1/stream?topic=" + topic, Map.of("Last-Event-ID", ids.get(0)))) {
                second.awaitData(1, Duration.ofSeconds(10));
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !second.data("herald.reset").isEmpty());
                // Events the gateway still holds in its page cache may come too (more than history has, never less).
                assertThat(second.data()).endsWith("4").isSubsetOf("1", "2", "3", "4").doesNotHaveDuplicates();
                JsonNode reset = JSON.readTree(second.data("herald.reset").get(0));
                assertThat(reset.get("reason").asText()).isEqualTo("history_trimmed");
                assertThat(reset.get("oldestRetained").asText()).isEqualTo(ids.get(4));
            }
        }
    }
}
