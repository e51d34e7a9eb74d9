package dev.herald.gateway.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.gateway.Gateway;
import dev.herald.gateway.testing.NodeClients;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisServer;
import dev.herald.testing.TestCertificates;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ten EventSources from one page to one origin, in a real Chromium over HTTPS: HTTP/2 lets all ten
 * stream at once (over HTTP/1.1 the browser's six connections per origin would leave four waiting).
 */
class Http2BrowserIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void tenEventSourcesToOneOriginAllReceiveEventsOverHttp2() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "headless Chromium is not installed at " + CHROMIUM + " (apt-get install -y chromium)");
        NodeClients.install();
        TestCertificates certs = TestCertificates.create();
        try (RedisServer redis = RedisServer.start();
             TestCluster cluster = TestCluster.start(redis.uri(), 0, Map.of())) {
            Gateway gateway = cluster.startGateway(Map.of("herald.tls.enabled", true, "herald.tls.port", 0,
                    "herald.tls.certificate", certs.certificate().toString(), "herald.tls.private-key", certs.privateKey().toString()));
            Process node = new ProcessBuilder("node", "browser-h2.mjs", "https://127.0.0.1:" + gateway.tlsPort(), "tabs", "10", "5", "15000")
                    .directory(NodeClients.DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = node.inputReader(StandardCharsets.UTF_8)) {
                String opened = out.readLine();
                assertThat(opened).as("all ten streams opened").isEqualTo("{\"kind\":\"open\"}");
                for (int i = 0; i < 5; i++) {
                    cluster.publish("tabs", "tick " + i);
                }
                JsonNode result = JSON.readTree(out.readLine());
                assertThat(result.get("protocol").asText()).isEqualTo("h2");
                assertThat(result.get("opened").asInt()).isEqualTo(10);
                assertThat(result.get("counts")).hasSize(10).allSatisfy(c -> assertThat(c.asInt()).isEqualTo(5));
            } finally {
                node.waitFor(10, TimeUnit.SECONDS);
                node.destroyForcibly();
            }
            assertThat(gateway.metrics().openConnections()).isBetween(0, 10);
        }
    }
}
