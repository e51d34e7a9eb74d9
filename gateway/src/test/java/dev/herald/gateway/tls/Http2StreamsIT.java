package dev.herald.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.gateway.Gateway;
import dev.herald.gateway.connection.CloseReason;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisServer;
import dev.herald.testing.SseParser;
import dev.herald.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SSE over TLS and HTTP/2 with Java's own HttpClient: many streams share one connection, each gets
 * every event, resume works, and one stream that stops granting flow-control window is shed alone.
 * (An integration test so that its JVM can give HttpClient a small per-stream window: see the pom.)
 */
class Http2StreamsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    static RedisServer redis;
    static TestCertificates certs;
    static TestCluster cluster;
    static Gateway gateway;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        certs = TestCertificates.create();
        cluster = TestCluster.start(redis.uri(), 0, Map.of());
        gateway = cluster.startGateway(Map.of("herald.tls.enabled", true, "herald.tls.port", 0,
                "herald.tls.certificate", certs.certificate().toString(), "herald.tls.private-key", certs.privateKey().toString(),
                "herald.gateway.max-unwritable", "2s", "herald.gateway.max-pending-bytes", "1MiB"));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(certs.clientContext()).build();
    }

    @AfterAll
    static void stop() {
        cluster.close();
        redis.close();
    }

    /** One SSE stream over the shared HTTP/2 client, parsed as it arrives. */
    static final class Stream {
        final HttpResponse<InputStream> response;
        final SseParser parser = new SseParser();
        final List<SseParser.Event> events = new ArrayList<>();
        volatile boolean ended;

        Stream(String topic, Map<String, String> headers, boolean read) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.tlsPort() + "/v1/stream?topic=" + topic));
            headers.forEach(b::header);
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (read) {
                Thread t = new Thread(this::read);
                t.setDaemon(true);
                t.start();
            }
        }

        private void read() {
            byte[] buf = new byte[8192];
            try (InputStream in = response.body()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    List<SseParser.Event> got = parser.feed(buf, 0, n);
                    synchronized (events) {
                        events.addAll(got);
                    }
                }
            } catch (IOException e) {
                // stream reset or closed
            } finally {
                ended = true;
            }
        }

        List<String> data() {
            synchronized (events) {
                return events.stream().map(SseParser.Event::data).toList();
            }
        }

        String idOf(int index) {
            synchronized (events) {
                return events.get(index).lastEventId();
            }
        }
    }

    @Test
    void twentyStreamsOnOneConnectionEachReceiveEveryEventInOrderAndOneResumesExactly() throws Exception {
        List<Stream> streams = new ArrayList<>();
        int before = gateway.metrics().openConnections();
        for (int i = 0; i < 20; i++) {
            Stream s = new Stream("h2-a", Map.of(), true);
            assertThat(s.response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(s.response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
            streams.add(s);
        }
        Awaitility.await().atMost(WAIT).until(() -> gateway.metrics().openConnections() == before + 20);
        JsonNode conns = JSON.readTree(cluster.get(gateway.adminPort(), "/debug/connections?limit=100").body());
        Set<String> peers = new HashSet<>();
        conns.get("connections").forEach(c -> peers.add(c.get("remoteAddress").asText()));
        assertThat(peers).as("all streams share one TCP connection").hasSize(1);
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            published.add("e" + i);
            cluster.publish("h2-a", "e" + i);
        }
        for (Stream s : streams) {
            Awaitility.await().atMost(WAIT).until(() -> s.data().size() >= 50);
            assertThat(s.data()).isEqualTo(published);
        }
        Stream resumed = new Stream("h2-a", Map.of("Last-Event-ID", streams.get(0).idOf(24)), true);
        Awaitility.await().atMost(WAIT).until(() -> resumed.data().size() >= 25);
        Thread.sleep(200);
        assertThat(resumed.data()).isEqualTo(published.subList(25, 50));
        // The streams stay open until the gateway stops (closing HttpClient bodies one by one is slow).
    }

    @Test
    void aStreamThatStopsGrantingWindowIsShedWhileTheOthersOnTheConnectionKeepReceiving() throws Exception {
        double shedBefore = gateway.metrics().closes(CloseReason.UNWRITABLE) + gateway.metrics().closes(CloseReason.PENDING_BYTES);
        Stream healthy = new Stream("h2-b", Map.of(), true);
        Stream stalled = new Stream("h2-b", Map.of(), false);
        String kb = "k".repeat(1000);
        List<String> published = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 400; i++) {
            published.add(i + kb);
            cluster.publish("h2-b", i + kb);
        }
        Awaitility.await().atMost(WAIT).until(() ->
                gateway.metrics().closes(CloseReason.UNWRITABLE) + gateway.metrics().closes(CloseReason.PENDING_BYTES) > shedBefore);
        long shedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        for (int i = 400; i < 450; i++) {
            published.add(i + kb);
            cluster.publish("h2-b", i + kb);
        }
        Awaitility.await().atMost(WAIT).until(() -> healthy.data().size() >= 450);
        assertThat(healthy.data()).isEqualTo(published);
        assertThat(healthy.ended).isFalse();
        assertThat(shedMillis).as("shed within max-unwritable (2 s) plus a timer tick and slack").isLessThan(8000);
    }
}
