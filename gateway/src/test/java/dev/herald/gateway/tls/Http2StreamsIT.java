package dev.herald.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.gateway.Gateway;
import dev.herald.gateway.connection.CloseReason;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.gateway.testing.Tokens;
import dev.herald.testing.RedisServer;
import dev.herald.testing.SseParser;
import dev.herald.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SSE over TLS and HTTP/2 with Java's own HttpClient: many streams share one connection, each gets
 * every event, resume works, one stream that stops granting flow-control window is shed alone, and
 * streams opened and reset by the thousand on one connection leave nothing of themselves behind.
 * (An integration test so that its JVM can give HttpClient a small per-stream window: see the pom.)
 */
class Http2StreamsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    static RedisServer redis;
    static TestCertificates certs;
    static TestCluster cluster;
    static Gateway gateway;
    static Gateway churnGateway;
    private static final String CHURN_SECRET = "churn-secret-of-at-least-32-bytes!";
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        certs = TestCertificates.create();
        cluster = TestCluster.start(redis.uri(), 0, Map.of());
        gateway = cluster.startGateway(Map.of("herald.tls.enabled", true, "herald.tls.port", 0,
                "herald.tls.certificate", certs.certificate().toString(), "herald.tls.private-key", certs.privateKey().toString(),
                "herald.gateway.max-unwritable", "2s", "herald.gateway.max-pending-bytes", "1MiB"));
        // A gateway of its own for the stream-churn test, so its counters and streams are only that test's.
        churnGateway = cluster.startGateway(Map.of("herald.tls.enabled", true, "herald.tls.port", 0,
                "herald.tls.certificate", certs.certificate().toString(), "herald.tls.private-key", certs.privateKey().toString(),
                "herald.auth.enabled", true, "herald.auth.jwt.hs256-secret", CHURN_SECRET, "herald.auth.jwt.clock-skew", "0s"));
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

    /**
     * Each stream ends when its token expires (a second or two after it opens): the gateway sends a notice and
     * ends the stream. (Resets cannot show this at scale: Undertow sends GOAWAY on a connection past 200
     * RST_STREAM frames, received or sent, in 30 s, its rapid-reset protection.)
     */
    @Test
    void tenThousandStreamsOpenedAndEndedOnOneConnectionLeaveNoStreamObjectBehind() throws Exception {
        int total = 10_000;
        HttpClient one = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(certs.clientContext()).build();
        URI uri = URI.create("https://127.0.0.1:" + churnGateway.tlsPort() + "/v1/stream?topic=h2-churn");
        // A stream kept open throughout (its token lasts) holds the connection, so every other stream shares it.
        HttpResponse<InputStream> anchor = one.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token(3600)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long before = liveInstances("dev.herald.gateway.connection.SseConnection");
        Semaphore window = new Semaphore(250); // few enough that a request reaches the gateway before its token expires
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<?>> all = new ArrayList<>();
        String token = token(2);
        long mintedAt = System.nanoTime();
        for (int i = 0; i < total; i++) {
            window.acquire();
            if (System.nanoTime() - mintedAt > 100_000_000L) { // still valid when the request arrives
                token = token(2);
                mintedAt = System.nanoTime();
            }
            all.add(one.sendAsync(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream())
                    .whenComplete((r, e) -> { // at the response head; the body is left to the gateway's reset
                        if (e != null || r.version() != HttpClient.Version.HTTP_2 || r.statusCode() != 200) {
                            if (failed.incrementAndGet() == 1) {
                                System.out.println("h2 churn: first failure " + (e != null ? e : r.statusCode() + " " + r.version()));
                            }
                        }
                        window.release();
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((r, e) -> null).join();
        assertThat(failed.get()).as("streams refused or failed to open").isLessThan(total / 10);
        Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            assertThat(closed(churnGateway)).as("streams ended").isGreaterThanOrEqualTo(total - failed.get());
            assertThat(churnGateway.metrics().openConnections()).as("open streams").isEqualTo(1);
        });
        long after = liveInstances("dev.herald.gateway.connection.SseConnection");
        System.out.printf("h2 churn: %d streams opened and ended on one connection (%d not served), %.0f closed, "
                + "SseConnection instances %d before, %d after%n", total, failed.get(), closed(churnGateway), before, after);
        assertThat(after - before).as("stream objects retained after the churn").isLessThan(100);
        anchor.body().close();
    }

    private static String token(int seconds) {
        return Tokens.hs256(CHURN_SECRET, Tokens.claims(Instant.now().plusSeconds(seconds), "h2-churn").build());
    }

    private static double closed(Gateway g) {
        double n = 0;
        for (CloseReason r : CloseReason.values()) {
            n += g.metrics().closes(r);
        }
        return n;
    }

    /** Live instances of {@code className} in this JVM after a full GC (jcmd GC.class_histogram collects first). */
    private static long liveInstances(String className) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(ProcessHandle.current().pid()), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.lines().map(String::trim).filter(l -> l.endsWith(" " + className))
                .mapToLong(l -> Long.parseLong(l.split("\\s+")[1])).sum();
    }
}
