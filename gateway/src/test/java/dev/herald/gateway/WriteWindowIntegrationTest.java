package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code herald.gateway.write-window}: live events that follow a write within the window wait for its end
 * and leave together; nothing is lost, doubled or reordered, and a resume is not held back by it.
 */
class WriteWindowIntegrationTest {
    private static final Duration WINDOW = Duration.ofMillis(700);

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestCluster cluster;
    static Gateway gateway;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(redis.uri(), 0, Map.of());
        gateway = cluster.startGateway(Map.of("herald.gateway.write-window", WINDOW.toMillis() + "ms"));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void anEventRightAfterAWriteWaitsForTheEndOfTheWindow() throws Exception {
        try (SseClient c = SseClient.open(gateway.port(), "/v1/stream?topic=window", Map.of())) {
            cluster.publish("window", "first");
            c.awaitData(1, Duration.ofSeconds(10));
            long firstSeen = System.nanoTime();
            cluster.publish("window", "second");
            c.awaitData(2, Duration.ofSeconds(10));
            long gapMillis = (System.nanoTime() - firstSeen) / 1_000_000;
            // Without the window "second" arrives a Redis round trip after it is published; with it, not
            // before the window that "first" opened has ended (less what "first" took to reach us).
            assertThat(gapMillis).isGreaterThanOrEqualTo(WINDOW.toMillis() - 200);
            assertThat(c.data()).containsExactly("first", "second");
        }
    }

    @Test
    void aBurstArrivesCompleteAndInOrder() throws Exception {
        try (SseClient c = SseClient.open(gateway.port(), "/v1/stream?topic=window-burst", Map.of())) {
            List<String> sent = IntStream.range(0, 300).mapToObj(i -> "e" + i).toList();
            sent.forEach(d -> cluster.publish("window-burst", d));
            c.awaitData(sent.size(), Duration.ofSeconds(20));
            assertThat(c.data()).containsExactlyElementsOf(sent);
        }
    }

    @Test
    void aResumeReplaysWithoutWaitingForWindows() throws Exception {
        String from = cluster.publish("window-resume", "before");
        List<String> missed = IntStream.range(0, 2000).mapToObj(i -> "m" + i).toList();
        missed.forEach(d -> cluster.publish("window-resume", d));
        long t0 = System.nanoTime();
        try (SseClient c = SseClient.open(gateway.port(), "/v1/stream?topic=window-resume", Map.of("Last-Event-ID", from))) {
            c.awaitData(missed.size(), Duration.ofSeconds(20));
            assertThat(c.data()).containsExactlyElementsOf(missed);
        }
        // Replay writes go out as the socket takes them: 2000 events are far fewer than 2000 windows.
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(20 * WINDOW.toMillis());
    }
}
