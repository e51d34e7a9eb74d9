package dev.herald.gateway.mercure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.common.auth.Tokens;
import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.NodeEventSource;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.gateway.testing.SseClient;
import dev.herald.testing.RedisServer;
import dev.herald.testing.SseParser;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Herald as a Mercure hub for third-party clients, as real processes behind the HAProxy that routes Mercure
 * publishes to the publisher: a headless Chromium's own {@code EventSource} with the token in the
 * {@code mercureAuthorization} cookie (Mercure's documented browser usage), the npm {@code eventsource}
 * package with the token in the {@code authorization} query parameter, and Symfony's Mercure component
 * (Debian's {@code php-symfony-mercure}) publishing.
 */
class MercureClientsIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SYMFONY_MERCURE = Path.of("/usr/share/php/Symfony/Component/Mercure/autoload.php");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    static ProcessCluster cluster;
    static URI hub;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Haproxy.isInstalled(), "haproxy is not installed (apt-get install -y haproxy)");
        Map<String, String> secret = Map.of("herald.auth.jwt.hs256-secret", Tokens.SECRET);
        Map<String, String> gatewayProps = Map.of("herald.auth.jwt.hs256-secret", Tokens.SECRET, "herald.gateway.retry", "300ms");
        cluster = ProcessCluster.start("mercure-clients", RedisServer.Options.defaults(), 2, gatewayProps, secret);
        hub = URI.create("http://127.0.0.1:" + cluster.balanceWithPublisher().port() + "/.well-known/mercure");
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * The gateway serving the browser is killed with SIGKILL while updates are published; every client must get
     * every update it may see (public and private, by URI Template and exact selector) exactly once, in order, the
     * browser after resuming on the survivor from a publisher-supplied ID.
     */
    @Test
    void browserAndNodeEventSourcesGetEveryUpdateOnceAcrossAGatewayKill() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "headless Chromium is not installed at " + CHROMIUM + " (apt-get install -y chromium)");
        String token = MercureHubClient.token(List.of(), List.of("https://example.com/books/{id}"), null);
        String url = hub + MercureHubClient.subscribePath(List.of("https://example.com/books/{id}", "urn:news"), "")
                .substring("/.well-known/mercure".length());
        List<NodeEventSource> clients = new ArrayList<>();
        try {
            // Streams of the other test may still count until a heartbeat finds them gone: compare with before.
            List<Integer> before = cluster.gateways().stream().map(ServiceProcess::openStreams).toList();
            NodeEventSource browser = NodeEventSource.chromium(url, 60, cluster.dir().resolve("chromium.err"), "mercureAuthorization=" + token);
            clients.add(browser);
            Awaitility.await().atMost(WAIT).until(() -> browser.count("open") == 1);
            ServiceProcess doomed = cluster.gateways().stream().filter(g -> g.openStreams() > before.get(cluster.gateways().indexOf(g)))
                    .findFirst().orElseThrow();
            for (int i = 0; i < 2; i++) {
                clients.add(new NodeEventSource(url + "&authorization=" + URLEncoder.encode(token, StandardCharsets.UTF_8), 60,
                        cluster.dir().resolve("node-" + i + ".err")));
            }
            Awaitility.await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.count("open") == 1));

            List<String> expected = new ArrayList<>();
            List<String> expectedIds = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                publishEach(hub, i, expected, expectedIds);
            }
            Awaitility.await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.data("message").size() == expected.size()));
            assertThat(expectedIds.get(expectedIds.size() - 1)).as("the browser resumes from a publisher-supplied ID").isEqualTo("news-5");

            doomed.kill();
            for (int i = 6; i < 12; i++) { // while the browser reconnects
                publishEach(hub, i, expected, expectedIds);
            }
            Awaitility.await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.data("message").size() >= expected.size()));
            Thread.sleep(300); // a duplicate would arrive now
            for (NodeEventSource c : clients) {
                assertThat(c.data("message")).containsExactlyElementsOf(expected);
                assertThat(c.ids("message")).containsExactlyElementsOf(expectedIds);
            }
            assertThat(browser.count("open")).as("the browser reconnected").isEqualTo(2);
        } finally {
            for (NodeEventSource c : clients) {
                c.close();
            }
        }
    }

    /** Symfony's Hub::publish (form fields, Bearer token) through the balancer; a subscriber sees each update as published. */
    @Test
    void symfonyMercureComponentPublishes() throws Exception {
        assumeTrue(Files.isReadable(SYMFONY_MERCURE), "php-symfony-mercure is not installed (apt-get install -y php-cli php-symfony-mercure)");
        String token = MercureHubClient.token(List.of(), List.of("*"), null);
        try (SseClient subscriber = SseClient.open(hub.getPort(), MercureHubClient.subscribePath(List.of("https://example.com/symfony/{id}"), ""),
                Map.of("Authorization", "Bearer " + token))) {
            assertThat(subscriber.status()).isEqualTo(200);
            Awaitility.await().atMost(WAIT).until(() -> !subscriber.comments().isEmpty());
            String plain = symfonyPublish(Map.of("topics", List.of("https://example.com/symfony/1"), "data", "plain"));
            String full = symfonyPublish(Map.of("topics", List.of("urn:symfony:canonical", "https://example.com/symfony/2"), "data", "line 1\nline 2",
                    "private", true, "id", "symfony-2", "type", "book.updated", "retry", 2500));
            Awaitility.await().atMost(WAIT).until(() -> subscriber.events().size() == 2);

            assertThat(plain).startsWith("urn:herald:");
            assertThat(full).isEqualTo("symfony-2");
            SseParser.Event first = subscriber.events().get(0);
            SseParser.Event second = subscriber.events().get(1);
            assertThat(first.lastEventId()).isEqualTo(plain);
            assertThat(first.data()).isEqualTo("plain");
            assertThat(second.lastEventId()).isEqualTo("symfony-2");
            assertThat(second.type()).isEqualTo("book.updated");
            assertThat(second.data()).isEqualTo("line 1\nline 2");
            assertThat(second.retry()).isEqualTo(2500L);
        }
    }

    private static String symfonyPublish(Map<String, Object> update) throws Exception {
        Process php = new ProcessBuilder("php", "src/test/php/mercure-publish.php", hub.toString(), MercureHubClient.PUBLISHER_TOKEN,
                JSON.writeValueAsString(update)).redirectErrorStream(true).start();
        String out = new String(php.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(php.waitFor()).as(out).isZero();
        return out;
    }

    /**
     * Publishes update {@code i}: a public and a private book (matched by the template), a film (not subscribed),
     * and a news item with a publisher ID (matched exactly); adds what a subscriber with the books token sees.
     */
    private static void publishEach(URI hub, int i, List<String> expected, List<String> expectedIds) {
        expectedIds.add(MercureHubClient.publish(hub, "topic", "https://example.com/books/" + i, "data", "book " + i));
        expected.add("book " + i);
        expectedIds.add(MercureHubClient.publish(hub, "topic", "https://example.com/books/" + i, "data", "private book " + i, "private", "on"));
        expected.add("private book " + i);
        MercureHubClient.publish(hub, "topic", "https://example.com/films/" + i, "data", "film " + i);
        expectedIds.add(MercureHubClient.publish(hub, "topic", "urn:news", "data", "news " + i, "id", "news-" + i));
        expected.add("news " + i);
    }
}
