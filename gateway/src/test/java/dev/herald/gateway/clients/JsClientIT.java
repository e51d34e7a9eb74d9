package dev.herald.gateway.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.NodeScript;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JavaScript client (clients/js, {@code @herald/client}) against real processes: Redis, an authenticating
 * publisher and two authenticating gateways behind HAProxy, in Node (npm eventsource) and in headless Chromium
 * (the browser's EventSource), driven by {@code src/test/node/jsclient.mjs}. Its tokens live
 * {@value #TOKEN_SECONDS} s, so streams end with {@code herald.token-expired} again and again while events
 * are published; the gateway serving the client is killed with SIGKILL. The app must see exactly the
 * published sequence, the client must have asked for new tokens, and its cursor (and the persisted one)
 * must be the last event's ID.
 */
class JsClientIT {
    private static final Logger LOG = LoggerFactory.getLogger(JsClientIT.class);
    private static final String SECRET = "jsclient-it-secret-0123456789-abcdefghij";
    private static final int TOKEN_SECONDS = 3;
    private static final int TOKEN_EXPIRIES = 2;

    @ParameterizedTest
    @ValueSource(strings = {"node", "browser"})
    void clientSeesThePublishedSequenceOnceAcrossAGatewayKillAndTokenExpiries(String mode) throws Exception {
        assumeTrue(Haproxy.isInstalled(), "haproxy is not installed (apt-get install -y haproxy)");
        assumeTrue(!mode.equals("browser") || Files.isExecutable(Path.of("/usr/bin/chromium")), "headless Chromium is not installed at /usr/bin/chromium");
        // Expiry exactly at exp, so a short-lived token ends its stream soon.
        Map<String, String> auth = Map.of("herald.auth.enabled", "true", "herald.auth.jwt.hs256-secret", SECRET, "herald.auth.jwt.clock-skew", "0s");
        Map<String, String> gatewayProps = new HashMap<>(auth);
        gatewayProps.put("herald.gateway.retry", "300ms");
        String topic = "js-" + mode;
        try (ProcessCluster cluster = ProcessCluster.start("jsclient-" + mode, RedisServer.Options.defaults(), 2, gatewayProps, auth)) {
            Haproxy haproxy = cluster.balanceWithPublisher();
            List<ServiceProcess> gateways = cluster.gateways();
            try (NodeScript client = NodeScript.start(List.of("jsclient.mjs", mode, "http://127.0.0.1:" + haproxy.port(), topic, SECRET,
                    String.valueOf(TOKEN_SECONDS)), cluster.dir().resolve("jsclient-" + mode + ".err"), Duration.ofSeconds(30))) {
                List<Published> published = new ArrayList<>();
                Awaitility.await("the stream is registered on one gateway").atMost(Duration.ofSeconds(5))
                        .until(() -> gateways.stream().mapToInt(ServiceProcess::openStreams).sum() == 1);
                for (int i = 0; i < 4; i++) {
                    published.add(publish(client, i, "before kill"));
                }
                client.command("await", Map.of("events", published.size()));

                ServiceProcess serving = gateways.stream().filter(g -> g.openStreams() == 1).findFirst().orElseThrow();
                LOG.info("{}: killing gateway-{} (pid {}), which serves the client", mode, gateways.indexOf(serving), serving.pid());
                serving.kill();
                for (int i = 0; i < 4; i++) { // while the client reconnects
                    published.add(publish(client, i, "after kill"));
                }
                client.command("await", Map.of("events", published.size()));

                // Publish on while tokens expire, so events fall in the gaps between a stream's end and the next.
                int expiries = 0;
                for (int i = 0; expiries < TOKEN_EXPIRIES; i++) {
                    published.add(publish(client, i, "across expiries"));
                    expiries = tokenExpiries(client.command("snapshot"));
                    assertThat(i).as("token expiries seen after %d events", i).isLessThan(TOKEN_SECONDS * TOKEN_EXPIRIES * 200);
                }
                Published last = publish(client, 0, "last");
                published.add(last);
                JsonNode seen = client.command("await", Map.of("events", published.size(), "lastData", last.data()));

                List<Published> events = new ArrayList<>();
                seen.get("events").forEach(e -> events.add(new Published(e.get("type").asText(), e.get("id").asText(), e.get("data").asText())));
                long distinct = new HashSet<>(events).size();
                List<String> reasons = new ArrayList<>();
                seen.get("tokenReasons").forEach(r -> reasons.add(r.asText()));
                LOG.info("{}: {} published, {} received, {} lost, {} duplicated; {} opens; token requests {}", mode, published.size(),
                        events.size(), published.stream().filter(p -> !events.contains(p)).count(), events.size() - distinct,
                        seen.get("opens").asInt(), reasons);
                assertThat(events).as("events the app saw, in order").containsExactlyElementsOf(published);
                assertThat(reasons.get(0)).isEqualTo("initial");
                assertThat(reasons).as("new tokens after herald.token-expired").filteredOn("token-expired"::equals).hasSizeGreaterThanOrEqualTo(TOKEN_EXPIRIES);
                assertThat(seen.get("opens").asInt()).as("streams opened").isGreaterThanOrEqualTo(1 + 1 + TOKEN_EXPIRIES);
                assertThat(seen.get("cursor").asText()).isEqualTo(last.id());
                assertThat(seen.get("persisted").asText()).isEqualTo(last.id());
                assertThat(seen.get("resets")).isEmpty();
                client.command("exit");
            }
        }
    }

    /** An event as the app sees it: its name, ID and data. */
    record Published(String type, String id, String data) {
    }

    /** Publishes through the client's publish helper, named events and default ones in turn. */
    private static Published publish(NodeScript client, int i, String phase) throws Exception {
        String event = i % 2 == 0 ? "note" : null;
        String data = phase + " #" + i;
        Map<String, Object> args = new HashMap<>(Map.of("data", data));
        if (event != null) {
            args.put("event", event);
        }
        JsonNode r = client.command("publish", args);
        return new Published(event == null ? "message" : event, r.get("published").asText(), data);
    }

    private static int tokenExpiries(JsonNode snapshot) {
        int n = 0;
        for (JsonNode r : snapshot.get("tokenReasons")) {
            n += r.asText().equals("token-expired") ? 1 : 0;
        }
        return n;
    }
}
