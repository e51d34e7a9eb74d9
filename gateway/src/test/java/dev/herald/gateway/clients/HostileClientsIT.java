package dev.herald.gateway.clients;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.SseClient;
import dev.herald.testing.RedisServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clumsy and hostile clients against the publisher and a gateway as processes: a slowloris (partial request
 * heads trickled a byte at a time) and idle connections are closed within the configured timeouts on every
 * listener, public and admin, while a real stream stays open through it and keeps receiving; and a body far
 * over the limit gets a 413 that Python's urllib, Node's fetch and Java's HttpClient all read.
 */
class HostileClientsIT {
    private static final Logger LOG = LoggerFactory.getLogger(HostileClientsIT.class);
    private static final long HEAD_TIMEOUT_MS = 3000;
    private static final long IDLE_TIMEOUT_MS = 4000;
    /** Time for the close to reach the client, beyond the timeout (Undertow checks with a 50 ms fuzz). */
    private static final long SLACK_MS = 1500;
    private static final int SLOW_HEADS_PER_PUBLIC_PORT = 150;
    private static final int SLOW_HEADS_PER_ADMIN_PORT = 20;
    private static final int IDLE_PER_PORT = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    static ProcessCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> timeouts = Map.of("herald.http.request-head-timeout", HEAD_TIMEOUT_MS + "ms", "herald.http.idle-timeout", IDLE_TIMEOUT_MS + "ms");
        cluster = ProcessCluster.start("hostile-clients", RedisServer.Options.defaults(), 1, timeouts, timeouts);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** One attacking connection: when it opened and, once the server closed it, when. */
    private static final class Attacker {
        final String target;
        final boolean trickles;
        final SocketChannel channel;
        final long opened = System.nanoTime();
        long closedAfterMs = -1;

        Attacker(String target, int port, boolean trickles) throws IOException {
            this.target = target;
            this.trickles = trickles;
            this.channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.configureBlocking(false);
            if (trickles) {
                channel.write(ByteBuffer.wrap("GET /v1/stream?topic=loris HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(UTF_8)));
            }
        }

        /** Reads (and, every second, sends one more header byte); notes the close. */
        void poll(boolean sendByte) {
            if (closedAfterMs >= 0) {
                return;
            }
            try {
                boolean eof = channel.read(ByteBuffer.allocate(1024)) < 0;
                if (!eof && trickles && sendByte) {
                    channel.write(ByteBuffer.wrap(new byte[] {'X'}));
                }
                if (!eof) {
                    return;
                }
            } catch (IOException reset) {
                // closed too
            }
            closedAfterMs = (System.nanoTime() - opened) / 1_000_000;
            try {
                channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    @Test
    void slowHeadsAndIdleConnectionsAreClosedWithinTheTimeoutsWhileARealStreamStaysOpen() throws Exception {
        int publisher = cluster.publisher().port();
        int gateway = cluster.gateway(0).port();
        try (SseClient stream = SseClient.open(gateway, "/v1/stream?topic=real", Map.of())) {
            assertThat(stream.status()).isEqualTo(200);
            List<Attacker> attackers = new ArrayList<>();
            Map<String, Integer> ports = Map.of("publisher", publisher, "gateway", gateway,
                    "publisher-admin", cluster.publisher().adminPort(), "gateway-admin", cluster.gateway(0).adminPort());
            for (Map.Entry<String, Integer> port : ports.entrySet()) {
                int slow = port.getKey().endsWith("admin") ? SLOW_HEADS_PER_ADMIN_PORT : SLOW_HEADS_PER_PUBLIC_PORT;
                for (int i = 0; i < slow; i++) {
                    attackers.add(new Attacker(port.getKey(), port.getValue(), true));
                }
                for (int i = 0; i < IDLE_PER_PORT; i++) {
                    attackers.add(new Attacker(port.getKey(), port.getValue(), false));
                }
            }

            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS + SLACK_MS + 2000);
            long nextByte = 0;
            while (attackers.stream().anyMatch(a -> a.closedAfterMs < 0) && System.nanoTime() < deadline) {
                boolean sendByte = System.nanoTime() >= nextByte;
                if (sendByte) {
                    nextByte = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
                attackers.forEach(a -> a.poll(sendByte));
                TimeUnit.MILLISECONDS.sleep(20); // the polling period of this hand-rolled client, not a wait for the server
            }

            for (String target : ports.keySet()) {
                long slowMax = attackers.stream().filter(a -> a.target.equals(target) && a.trickles).mapToLong(a -> a.closedAfterMs).max().orElseThrow();
                long slowMin = attackers.stream().filter(a -> a.target.equals(target) && a.trickles).mapToLong(a -> a.closedAfterMs).min().orElseThrow();
                long idleMax = attackers.stream().filter(a -> a.target.equals(target) && !a.trickles).mapToLong(a -> a.closedAfterMs).max().orElseThrow();
                LOG.info("{}: slow heads closed after {}..{} ms (timeout {} ms), idle connections after at most {} ms (timeout {} ms)",
                        target, slowMin, slowMax, HEAD_TIMEOUT_MS, idleMax, IDLE_TIMEOUT_MS);
            }
            assertThat(attackers).allSatisfy(a -> assertThat(a.closedAfterMs).as(a.target + (a.trickles ? " slow head" : " idle"))
                    .isBetween((a.trickles ? HEAD_TIMEOUT_MS : IDLE_TIMEOUT_MS) - 100, (a.trickles ? HEAD_TIMEOUT_MS : IDLE_TIMEOUT_MS) + SLACK_MS));

            assertThat(stream.ended()).as("the stream, quiet for longer than both timeouts, is still open").isFalse();
            HttpResponse<String> published = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + publisher + "/v1/topics/real/events"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"still here\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(published.statusCode()).isEqualTo(201);
            stream.awaitData(1, Duration.ofSeconds(5));
            assertThat(stream.data()).containsExactly("still here");
        }
    }

    @Test
    void a20MiBBodyIsAnswered413InJsonThatUrllibFetchAndHttpClientRead() throws Exception {
        String url = "http://127.0.0.1:" + cluster.publisher().port() + "/v1/topics/big/events";
        Path dir = cluster.dir();
        Path python = Files.writeString(dir.resolve("post20mib.py"), """
                import sys, urllib.request, urllib.error
                req = urllib.request.Request(sys.argv[1], data=b'x' * (20 << 20), headers={'Content-Type': 'application/json'})
                try:
                    urllib.request.urlopen(req)
                    print('no error')
                except urllib.error.HTTPError as e:
                    print(e.code, e.read().decode())
                """);
        Path node = Files.writeString(dir.resolve("post20mib.mjs"), """
                const r = await fetch(process.argv[2], { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                                         body: new Uint8Array(20 << 20).fill(120) });
                console.log(r.status, await r.text());
                """);

        assertTooLarge("python urllib", run("python3", python.toString(), url));
        assertTooLarge("node fetch", run("node", node.toString(), url));
        HttpResponse<String> java = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[20 << 20])).build(), HttpResponse.BodyHandlers.ofString());
        assertTooLarge("java HttpClient", java.statusCode() + " " + java.body());
    }

    /** Runs a client; its output is the status, a space and the body. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static void assertTooLarge(String client, String answer) throws IOException {
        LOG.info("{} read: {}", client, answer);
        assertThat(answer).as(client).startsWith("413 ");
        JsonNode body = JSON.readTree(answer.substring(4));
        assertThat(body.get("error").asText()).as(client).isEqualTo("body_too_large");
    }
}
