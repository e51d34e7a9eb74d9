package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.connection.CloseReason;
import dev.herald.gateway.metrics.GatewayMetrics;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The write path under slow clients: a stalled or slowed client is shed at its bound while everyone else
 * keeps receiving every event in order, and the shed client loses nothing when it resumes.
 */
class WritePathIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long BOUND = 64 * 1024;
    private static final String KB = "x".repeat(1000);

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(redis.uri(), 1, Map.of(
                "herald.gateway.max-pending-bytes", BOUND,
                "herald.gateway.max-unwritable", "3s",
                "herald.gateway.send-buffer", 16 * 1024,
                "herald.retention.max-len", 100_000));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** Each test gets a gateway of its own, so its counters see only that test's clients. */
    private static Gateway freshGateway() {
        return cluster.startGateway(Map.of());
    }

    private static double sheds(GatewayMetrics m) {
        return m.closes(CloseReason.PENDING_BYTES) + m.closes(CloseReason.UNWRITABLE);
    }

    @Test
    void stalledClientIsShedWhileFiftyHealthyClientsReceiveEveryEventInOrder() throws Exception {
        String topic = "wp-stall";
        Gateway gateway = freshGateway();
        GatewayMetrics metrics = gateway.metrics();
        int port = gateway.port();
        List<SseClient> healthy = new ArrayList<>();
        try (SseClient stalled = SseClient.stalled(port, "/v1/stream?topic=" + topic, 4096)) {
            for (int i = 0; i < 50; i++) {
                healthy.add(SseClient.open(port, "/v1/stream?topic=" + topic, Map.of()));
            }
            Awaitility.await().atMost(WAIT).until(() -> healthy.stream().allMatch(c -> !c.comments().isEmpty()));
            Awaitility.await().atMost(WAIT).until(() -> metrics.openConnections() == 51);
            List<String> published = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                String d = i + ":" + KB;
                cluster.publish(topic, d);
                published.add(d);
            }
            for (SseClient c : healthy) {
                c.awaitData(600, WAIT);
            }
            Awaitility.await().atMost(WAIT).until(() -> sheds(metrics) == 1);
            assertThat(metrics.openConnections()).isEqualTo(50);
            for (SseClient c : healthy) {
                assertThat(c.data()).isEqualTo(published);
                assertThat(c.ended()).isFalse();
            }
            assertThat(metrics.maxPendingBytes()).isLessThanOrEqualTo(BOUND + 1100);
        } finally {
            for (SseClient c : healthy) {
                c.close();
            }
        }
    }

    @Test
    void shedClientResumesWithLastEventIdAndReceivesEverythingItMissed() throws Exception {
        String topic = "wp-resume";
        Gateway gatewayA = freshGateway();
        int portA = gatewayA.port();
        List<String> published = new ArrayList<>();
        SseClient slow = SseClient.slow(portA, "/v1/stream?topic=" + topic, Map.of(), 4096);
        try {
            Awaitility.await().atMost(WAIT).until(() -> !slow.comments().isEmpty());
            for (int i = 0; i < 20; i++) {
                published.add(publish(topic, i));
            }
            slow.awaitData(20, WAIT);
            slow.pause();
            for (int i = 20; i < 400; i++) {
                published.add(publish(topic, i));
            }
            Awaitility.await().atMost(WAIT).until(() -> sheds(gatewayA.metrics()) == 1);
            slow.unpause();
            Awaitility.await().atMost(WAIT).until(slow::ended);
        } finally {
            slow.close();
        }
        List<String> firstPart = slow.data();
        assertThat(firstPart.size()).isBetween(20, 399);
        try (SseClient resumed = SseClient.open(cluster.gateway(0).port(), "/v1/stream?topic=" + topic,
                Map.of("Last-Event-ID", slow.lastEventId()))) {
            resumed.awaitData(400 - firstPart.size(), WAIT);
            Thread.sleep(200);
            List<String> union = new ArrayList<>(firstPart);
            union.addAll(resumed.data());
            assertThat(union).isEqualTo(published);
        }
    }

    @Test
    void pendingBytesNeverExceedTheBoundPlusOneFrameUnderABurst() throws Exception {
        String topic = "wp-burst";
        Gateway gateway = freshGateway();
        GatewayMetrics metrics = gateway.metrics();
        int port = gateway.port();
        List<SseClient> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                SseClient c = SseClient.slow(port, "/v1/stream?topic=" + topic, Map.of(), 4096);
                slow.add(c);
            }
            Awaitility.await().atMost(WAIT).until(() -> slow.stream().allMatch(c -> !c.comments().isEmpty()));
            slow.forEach(SseClient::pause);
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < 500; i++) {
                batch.append(i == 0 ? "" : ",").append("{\"topic\":\"").append(topic).append("\",\"data\":\"").append(i).append(KB).append("\"}");
            }
            for (int round = 0; round < 3; round++) {
                assertThat(cluster.post("/v1/events", batch + "]").statusCode()).isEqualTo(201);
            }
            Awaitility.await().atMost(WAIT).until(() -> sheds(metrics) == 10);
            assertThat(metrics.openConnections()).isZero();
            assertThat(metrics.totalPendingBytes()).isZero();
            assertThat(metrics.maxPendingBytes()).isGreaterThan(BOUND / 2).isLessThanOrEqualTo(BOUND + 1100);
        } finally {
            for (SseClient c : slow) {
                c.close();
            }
        }
    }

    @Test
    void clientsThatDisconnectMidWriteReleaseTheirQueues() throws Exception {
        String topic = "wp-disconnect";
        Gateway gateway = cluster.startGateway(Map.of("herald.gateway.max-pending-bytes", "4MiB", "herald.gateway.max-unwritable", "60s"));
        int port = gateway.port();
        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(SseClient.slow(port, "/v1/stream?topic=" + topic, Map.of(), 4096));
        }
        Awaitility.await().atMost(WAIT).until(() -> gateway.metrics().openConnections() == 5);
        clients.forEach(SseClient::pause);
        for (int i = 0; i < 300; i++) {
            publish(topic, i);
        }
        Awaitility.await().atMost(WAIT).until(() -> gateway.metrics().totalPendingBytes() > 100_000);
        for (SseClient c : clients) {
            c.close();
        }
        publish(topic, -1); // a write after the close makes the gateway notice at once
        Awaitility.await().atMost(WAIT).until(() -> gateway.metrics().openConnections() == 0);
        Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(gateway.metrics().totalPendingBytes()).isZero());
    }

    private static String publish(String topic, int i) {
        String d = i + ":" + KB;
        cluster.publish(topic, d);
        return d;
    }
}
