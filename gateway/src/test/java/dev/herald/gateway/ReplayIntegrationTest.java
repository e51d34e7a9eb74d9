package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.gateway.connection.CloseReason;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import dev.herald.testing.SseParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Paged, bounded, shared replay: deep resumes, many resumes of one topic, and the limits. */
class ReplayIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(redis.uri(), 0, Map.of("herald.retention.max-len", 200_000));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** Publishes {@code n} events "<prefix><i>" in batches; returns the id of the event before the first. */
    private static String publishMany(String topic, String prefix, int n) {
        String before = cluster.publish(topic, "marker");
        for (int from = 0; from < n; from += 1000) {
            StringBuilder batch = new StringBuilder("[");
            for (int i = from; i < Math.min(n, from + 1000); i++) {
                batch.append(i == from ? "" : ",").append("{\"topic\":\"").append(topic).append("\",\"data\":\"").append(prefix).append(i).append("\"}");
            }
            assertThat(cluster.post("/v1/events", batch.append(']').toString()).statusCode()).isEqualTo(201);
        }
        return before;
    }

    @Test
    void aClientResumingAHundredThousandEventsBehindWithASmallReceiveBufferGetsThemAllInOrderWithinTheBound() throws Exception {
        long bound = 64 * 1024;
        Gateway gateway = cluster.startGateway(Map.of("herald.gateway.max-pending-bytes", bound, "herald.gateway.send-buffer", 16 * 1024,
                "herald.gateway.max-unwritable", "30s"));
        String from = publishMany("deep", "d", 100_000);
        try (SseClient c = SseClient.slow(gateway.port(), "/v1/stream?topic=deep", Map.of("Last-Event-ID", from), 8 * 1024)) {
            c.awaitData(100_000, WAIT);
            List<String> data = c.data();
            for (int i = 0; i < 100_000; i++) {
                if (!data.get(i).equals("d" + i)) {
                    throw new AssertionError("event " + i + " is " + data.get(i));
                }
            }
            assertThat(data).hasSize(100_000);
        }
        assertThat(gateway.metrics().maxPendingBytes()).isLessThanOrEqualTo(bound + 200);
        assertThat(gateway.metrics().closes(CloseReason.PENDING_BYTES) + gateway.metrics().closes(CloseReason.UNWRITABLE)).isZero();
        // At most one read per 500-event page (the tail may come live if the tailer was still dispatching it).
        assertThat(gateway.metrics().pagesRead()).isBetween(100.0, 201.0);
    }

    @Test
    void aThousandClientsResumingOneTopicFromOneIdShareThePageReads() throws Exception {
        Gateway gateway = cluster.startGateway(Map.of("herald.gateway.replay.page-size", 500));
        String from = publishMany("shared", "s", 5000);
        long xrangeBefore = xrangeCalls();
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                clients.add(SseClient.open(gateway.port(), "/v1/stream?topic=shared", Map.of("Last-Event-ID", from)));
            }
            for (SseClient c : clients) {
                c.awaitData(5000, WAIT);
                assertThat(c.data().get(4999)).isEqualTo("s4999");
            }
        } finally {
            for (SseClient c : clients) {
                c.close();
            }
        }
        long xranges = xrangeCalls() - xrangeBefore;
        double pages = gateway.metrics().pagesRead();
        // 5000 events are 10 pages; a replay that ends exactly at a page's end reads no more, and clients that
        // resume a little later may need a fresh read of the tail: nothing near 1000 clients x 10 pages.
        assertThat(pages).isBetween(10.0, 60.0);
        assertThat(xranges).as("XRANGE calls Redis saw").isEqualTo((long) pages);
        assertThat(gateway.metrics().pagesShared()).isGreaterThan(9000.0);
    }

    @Test
    void aResumeBeyondTheReplayLimitGetsAResetAndThenLiveEvents() throws Exception {
        Gateway gateway = cluster.startGateway(Map.of("herald.gateway.replay.max-events", 100));
        String from = publishMany("limited", "l", 500);
        // Let the tailer dispatch all of it first: otherwise, on a busy machine, the tail of the backlog still
        // reaches the stream live after the reset, which is right but not what this test looks at.
        Awaitility.await().atMost(WAIT).until(() -> gateway.registry().get("herald.gateway.tailer.events").counter().count() >= 501);
        try (SseClient c = SseClient.open(gateway.port(), "/v1/stream?topic=limited", Map.of("Last-Event-ID", from))) {
            Awaitility.await().atMost(WAIT).until(() -> c.events().stream().anyMatch(e -> e.type().equals("herald.reset")));
            cluster.publish("limited", "live-1");
            Awaitility.await().atMost(WAIT).until(() -> c.data().contains("live-1"));
            List<SseParser.Event> events = c.events();
            int reset = 0;
            while (!events.get(reset).type().equals("herald.reset")) {
                reset++;
            }
            assertThat(reset).isEqualTo(100);
            JsonNode notice = JSON.readTree(events.get(reset).data());
            assertThat(notice.get("reason").asText()).isEqualTo("replay_limit");
            assertThat(events.subList(reset + 1, events.size())).extracting(SseParser.Event::data).containsExactly("live-1");
        }
    }

    @Test
    void aClientReconnectingTooFastGetsARetryHintNotAnError() throws Exception {
        Gateway gateway = cluster.startGateway(Map.of("herald.gateway.reconnect-limit.per-second", 1, "herald.gateway.reconnect-limit.burst", 2));
        try (SseClient a = SseClient.open(gateway.port(), "/v1/stream?topic=rl", Map.of());
             SseClient b = SseClient.open(gateway.port(), "/v1/stream?topic=rl", Map.of());
             SseClient c = SseClient.open(gateway.port(), "/v1/stream?topic=rl", Map.of())) {
            assertThat(a.status()).isEqualTo(200);
            assertThat(b.status()).isEqualTo(200);
            assertThat(c.status()).isEqualTo(200);
            assertThat(c.header("Content-Type")).startsWith("text/event-stream");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(c::ended);
            assertThat(c.reconnectionTime()).as("five times the 2 s retry, jittered").isBetween(5_000L, 15_000L);
            assertThat(c.events()).isEmpty();
            assertThat(a.ended()).isFalse();
            assertThat(gateway.metrics().refusedCount("reconnect_limit")).isEqualTo(1.0);
        }
        Thread.sleep(1100);
        try (SseClient later = SseClient.open(gateway.port(), "/v1/stream?topic=rl", Map.of())) {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !later.comments().isEmpty());
        }
    }

    private static long xrangeCalls() {
        String stats = redis.server().send("INFO", "commandstats");
        Matcher m = Pattern.compile("cmdstat_xrange:calls=(\\d+)").matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
