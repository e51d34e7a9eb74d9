package dev.herald.gateway.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.NodeScript;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.testing.RedisServer;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo page ({@code GET /demo}) in a real headless Chromium, driven by playwright-core
 * ({@code src/test/node/browser-demo.mjs}), behind HAProxy that routes the publisher API and the gateways
 * on one origin. Events are published through the page's form and through the API; the gateway serving
 * the browser is killed with SIGKILL; the page must show every event exactly once, in order, and its
 * reconnect with the Last-Event-ID it resumed from. The final page is saved as a screenshot.
 */
class BrowserDemoIT {
    private static final Logger LOG = LoggerFactory.getLogger(BrowserDemoIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /**
     * Where the final page is saved: target/demo.png, or the README's docs/demo.png when run with
     * {@code -Dherald.demo.screenshot=docs/demo.png} (so ordinary runs do not rewrite a tracked file).
     */
    private static final Path SCREENSHOT = repositoryRoot().resolve(System.getProperty("herald.demo.screenshot", "gateway/target/demo.png"));
    private static final String TOPIC = "demo";

    static ProcessCluster cluster;
    static Path dir;
    static List<ServiceProcess> gateways;
    static Haproxy haproxy;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "headless Chromium is not installed at " + CHROMIUM + " (apt-get install -y chromium)");
        assumeTrue(Haproxy.isInstalled(), "haproxy is not installed (apt-get install -y haproxy)");
        cluster = ProcessCluster.start("browser", RedisServer.Options.defaults(), 2, Map.of("herald.gateway.retry", "300ms"));
        dir = cluster.dir();
        gateways = cluster.gateways();
        haproxy = cluster.balanceWithPublisher();
    }

    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath(); // gateway/ under failsafe
        return here.endsWith("gateway") ? here.getParent() : here;
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void demoPageAndPublisherApiShareTheBalancersOrigin() throws Exception {
        for (String path : List.of("/demo", "/demo/")) {
            HttpResponse<String> page = get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(page.body()).contains("<title>Herald demo</title>", "new EventSource(");
            // Self-contained: nothing is loaded from another origin.
            assertThat(page.body()).doesNotContainPattern("(src|href)\\s*=\\s*[\"']?(https?:)?//").doesNotContain("@import", "url(");
        }
        HttpResponse<String> published = HTTP.send(HttpRequest.newBuilder(lb("/v1/topics/route-probe/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
        JsonNode info = JSON.readTree(get("/v1/topics/route-probe").body());
        assertThat(info.get("length").asInt()).isEqualTo(1);
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/v1/stream").statusCode()).as("the stream endpoint is the gateways'").isEqualTo(400);
    }

    @Test
    void pageShowsEveryEventOnceAcrossAGatewayKillAndItsResume() throws Exception {
        long t0 = System.nanoTime();
        List<Shown> expected = new ArrayList<>(); // in publish order
        try (BrowserPage browser = BrowserPage.open(haproxy.port(), TOPIC, "greeting,note")) {
            LOG.info("page open after {} ms", (System.nanoTime() - t0) / 1_000_000);
            Awaitility.await("the stream is registered on one gateway").atMost(Duration.ofSeconds(5))
                    .until(() -> gateways.stream().mapToInt(ServiceProcess::openStreams).sum() == 1);

            for (int i = 1; i <= 3; i++) {
                expected.add(browser.publish("greeting", "form #" + i));
                expected.add(publishThroughApi(i % 2 == 0 ? null : "note", "api #" + i));
            }
            browser.await(6, 0);

            ServiceProcess serving = gateways.stream().filter(g -> g.openStreams() == 1).findFirst().orElseThrow();
            String lastBeforeKill = expected.get(expected.size() - 1).id();
            LOG.info("killing gateway-{} (pid {}), which serves the browser", gateways.indexOf(serving), serving.pid());
            serving.kill();
            for (int i = 4; i <= 6; i++) { // while the page is reconnecting
                expected.add(publishThroughApi("note", "api #" + i));
            }
            browser.await(9, 1);
            expected.add(browser.publish("greeting", "form #4"));
            expected.add(browser.publish(null, "form #5"));
            expected.add(publishThroughApi("note", "api #7"));
            browser.await(12, 1);
            Thread.sleep(300); // a duplicate would arrive now

            JsonNode page = browser.command("snapshot");
            List<Shown> shown = new ArrayList<>();
            page.get("events").forEach(e -> shown.add(new Shown(e.get("type").asText(), e.get("id").asText(), e.get("data").asText())));
            assertThat(shown).as("events shown by the page, oldest first").containsExactlyElementsOf(expected);
            assertThat(page.get("eventCount").asInt()).isEqualTo(expected.size());
            assertThat(page.get("state").asText()).isEqualTo("open");
            assertThat(page.get("reconnects").asInt()).isGreaterThanOrEqualTo(1);
            JsonNode connections = page.get("connections");
            assertThat(connections.get(0).get("kind").asText()).isEqualTo("new");
            assertThat(connections.get(0).get("resumeId").asText()).isEmpty();
            assertThat(connections.get(1).get("kind").asText()).isEqualTo("reconnect");
            assertThat(connections.get(1).get("resumeId").asText()).as("Last-Event-ID of the reconnect").isEqualTo(lastBeforeKill);
            assertThat(page.get("resets")).isEmpty();

            browser.command("screenshot");
            BufferedImage png = ImageIO.read(SCREENSHOT.toFile());
            assertThat(png.getWidth()).isEqualTo(1000);
            assertThat(png.getHeight()).isEqualTo(700);
            browser.command("exit");
        }
        LOG.info("browser test took {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /** An event as the page shows it: its type, id ({@code lastEventId}) and data. */
    record Shown(String type, String id, String data) {
    }

    private static Shown publishThroughApi(String event, String data) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("data", data);
        if (event != null) {
            body.put("event", event);
        }
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(lb("/v1/topics/" + TOPIC + "/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new Shown(event == null ? "message" : event, JSON.readTree(r.body()).get("id").asText(), data);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(lb(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI lb(String path) {
        return URI.create("http://127.0.0.1:" + haproxy.port() + path);
    }

    /** browser-demo.mjs: a Chromium page on /demo, commanded by JSON lines (see the script's header). */
    private static final class BrowserPage implements AutoCloseable {
        private final NodeScript node;

        private BrowserPage(NodeScript node) {
            this.node = node;
        }

        static BrowserPage open(int lbPort, String topics, String eventNames) throws Exception {
            return new BrowserPage(NodeScript.start(List.of("browser-demo.mjs", "http://127.0.0.1:" + lbPort, SCREENSHOT.toString(), topics, eventNames),
                    dir.resolve("browser-demo.err"), Duration.ofSeconds(20)));
        }

        /** Fills in the page's publish form and clicks Publish; returns the event as the page should show it. */
        Shown publish(String event, String data) throws Exception {
            JsonNode r = command("publish", Map.<String, Object>of("topic", TOPIC, "event", event == null ? "" : event, "data", data));
            assertThat(r.get("status").asText()).as("the page's publish result: %s", r).isEqualTo("ok");
            return new Shown(event == null ? "message" : event, r.get("publishedId").asText(), data);
        }

        void await(int events, int reconnects) throws Exception {
            command("await", Map.<String, Object>of("events", events, "reconnects", reconnects, "timeoutMs", 15_000));
        }

        JsonNode command(String cmd) throws Exception {
            return node.command(cmd);
        }

        JsonNode command(String cmd, Map<String, Object> args) throws Exception {
            return node.command(cmd, args);
        }

        @Override
        public void close() throws Exception {
            node.close();
        }
    }
}
