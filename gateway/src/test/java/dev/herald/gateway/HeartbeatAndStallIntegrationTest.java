package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.connection.CloseReason;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Idle streams get heartbeats and live on; a socket that stays unwritable is shed on time. */
class HeartbeatAndStallIntegrationTest {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(redis.uri(), 0, Map.of());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void anIdleStreamGetsHeartbeatsAndIsNotClosedByIdleTimeouts() throws Exception {
        Gateway gateway = cluster.startGateway(Map.of("herald.gateway.heartbeat-interval", "300ms"));
        try (SseClient c = SseClient.open(gateway.port(), "/v1/stream?topic=hb", Map.of())) {
            Thread.sleep(3000);
            assertThat(c.comments().stream().filter("heartbeat"::equals).count()).isBetween(4L, 12L);
            assertThat(c.ended()).isFalse();
            cluster.publish("hb", "still here");
            c.awaitData(1, Duration.ofSeconds(5));
            assertThat(c.data()).containsExactly("still here");
        }
        assertThat(gateway.registry().get("herald.gateway.heartbeats").counter().count()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aSocketThatStaysUnwritableIsShedAfterTheMaximumUnwritableTime() throws Exception {
        Gateway gateway = cluster.startGateway(Map.of("herald.gateway.max-pending-bytes", "8MiB",
                "herald.gateway.max-unwritable", "1s", "herald.gateway.send-buffer", 8192));
        try (SseClient stalled = SseClient.stalled(gateway.port(), "/v1/stream?topic=stall", 2048)) {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> gateway.metrics().openConnections() == 1);
            String kb = "y".repeat(1000);
            for (int i = 0; i < 300; i++) {
                cluster.publish("stall", kb);
            }
            long t0 = System.nanoTime();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.metrics().closes(CloseReason.UNWRITABLE) == 1);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000);
            assertThat(gateway.metrics().closes(CloseReason.PENDING_BYTES)).isZero();
            assertThat(gateway.metrics().openConnections()).isZero();
            assertThat(gateway.metrics().totalPendingBytes()).isZero();
        }
    }
}
