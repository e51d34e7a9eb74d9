package dev.herald.gateway.mercure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.common.auth.Tokens;
import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.NodeEventSource;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.testing.RedisServer;
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
import org.junit.jupiter.api.Test;

/**
 * Herald as a Mercure hub for third-party clients, as real processes behind the HAProxy that routes Mercure
 * publishes to the publisher: a headless Chromium's own {@code EventSource} with the token in the
 * {@code mercureAuthorization} cookie (Mercure's documented browser usage), and the npm {@code eventsource}
 * package with the token in the {@code authorization} query parameter. The gateway serving the browser is
 * killed with SIGKILL while updates are published; every client must get every update it may see (public and
 * private, by URI Template and exact selector) exactly once, in order, the browser after resuming on the
 * survivor from a publisher-supplied ID.
 */
class MercureClientsIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void browserAndNodeEventSourcesGetEveryUpdateOnceAcrossAGatewayKill() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "headless Chromium is not installed at " + CHROMIUM + " (apt-get install -y chromium)");
        assumeTrue(Haproxy.isInstalled(), "haproxy is not installed (apt-get install -y haproxy)");
        Map<String, String> secret = Map.of("herald.auth.jwt.hs256-secret", Tokens.SECRET);
        Map<String, String> gatewayProps = Map.of("herald.auth.jwt.hs256-secret", Tokens.SECRET, "herald.gateway.retry", "300ms");
        try (ProcessCluster cluster = ProcessCluster.start("mercure-clients", RedisServer.Options.defaults(), 2, gatewayProps, secret)) {
            Haproxy haproxy = cluster.balanceWithPublisher();
            URI hub = URI.create("http://127.0.0.1:" + haproxy.port() + "/.well-known/mercure");
            String token = MercureHubClient.token(List.of(), List.of("https://example.com/books/{id}"), null);
            String url = hub + MercureHubClient.subscribePath(List.of("https://example.com/books/{id}", "urn:news"), "")
                    .substring("/.well-known/mercure".length());
            List<NodeEventSource> clients = new ArrayList<>();
            try {
                NodeEventSource browser = NodeEventSource.chromium(url, 60, cluster.dir().resolve("chromium.err"), "mercureAuthorization=" + token);
                clients.add(browser);
                Awaitility.await().atMost(WAIT).until(() -> browser.count("open") == 1);
                ServiceProcess doomed = cluster.gateways().stream().filter(g -> g.openStreams() == 1).findFirst().orElseThrow();
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
