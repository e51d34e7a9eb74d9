package dev.herald.gateway.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.common.redis.KeyLayout;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.NodeClients;
import dev.herald.gateway.testing.NodeScript;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
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
 * must be the last event's ID. Its hand-written types are checked by compiling clients/js/test/types.ts.
 */
class JsClientIT {
    private static final Logger LOG = LoggerFactory.getLogger(JsClientIT.class);
    private static final String SECRET = "jsclient-it-secret-0123456789-abcdefghij";
    private static final int TOKEN_SECONDS = 3;
    private static final int TOKEN_EXPIRIES = 2;

    @Test
    void typesDescribeTheClient() throws Exception {
        NodeClients.installJsClientTools();
        Process tsc = new ProcessBuilder("npm", "run", "--silent", "typecheck").directory(NodeClients.JS_CLIENT.toFile())
                .redirectErrorStream(true).start();
        String out = new String(tsc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tsc.waitFor(120, TimeUnit.SECONDS)).as("tsc finished").isTrue();
        assertThat(tsc.exitValue()).as("tsc on clients/js/test/types.ts against src/index.d.ts: %s", out).isZero();
    }

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
            List<Published> published = new ArrayList<>();
            try (NodeScript client = startClient(cluster, haproxy, mode, topic, "", "")) {
                JsonNode seen = publishAcrossKillAndExpiries(client, cluster.gateways(), mode, published);
                List<String> reasons = tokenReasons(seen);
                assertThat(reasons.subList(0, 2)).as("the first token was stale: refused, then a new one")
                        .containsExactly("initial", mode.equals("node") ? "unauthorized" : "refused"); // browsers do not tell a 401
                assertThat(reasons).as("new tokens after herald.token-expired").filteredOn("token-expired"::equals).hasSizeGreaterThanOrEqualTo(TOKEN_EXPIRIES);
                assertThat(seen.get("opens").asInt()).as("streams opened: first, after the kill, after each expiry").isGreaterThanOrEqualTo(2 + TOKEN_EXPIRIES);
                Published last = published.get(published.size() - 1);
                assertThat(seen.get("cursor").asText()).isEqualTo(last.id());
                assertThat(seen.get("persisted").asText()).isEqualTo(last.id());
                assertThat(seen.get("resets")).isEmpty();
                JsonNode refused = client.command("publish", Map.of("data", "x", "topic", "not-" + topic)).get("refused");
                assertThat(refused.get("status").asInt()).as("a publish outside the token's grants").isEqualTo(403);
                assertThat(refused.get("code").asText()).isEqualTo("forbidden");
                client.command("exit");
            }

            // History trimmed behind a client's cursor: it is told, through onReset, and gets what is left.
            Published first = published.get(0);
            Published last = published.get(published.size() - 1);
            int partition = Integer.parseInt(first.id().substring(0, first.id().indexOf(':')));
            cluster.redis().send("XTRIM", new KeyLayout("herald").history(partition, Topic.of(topic)), "MAXLEN", "1");
            try (NodeScript client = startClient(cluster, haproxy, mode, topic, first.id(), "-reset")) {
                JsonNode seen = client.command("await", Map.of("events", 1, "lastData", last.data()));
                assertThat(events(seen)).containsExactly(last);
                JsonNode reset = seen.get("resets").get(0);
                assertThat(seen.get("resets")).hasSize(1);
                assertThat(reset.get("topic").asText()).isEqualTo(topic);
                assertThat(reset.get("reason").asText()).isEqualTo("history_trimmed");
                assertThat(reset.get("resumeFrom").asText()).isEqualTo(first.id());
                assertThat(reset.get("oldestRetained").asText()).isEqualTo(last.id());
                client.command("exit");
            }
        }
    }

    private static NodeScript startClient(ProcessCluster cluster, Haproxy haproxy, String mode, String topic, String cursor,
                                          String logSuffix) throws Exception {
        return NodeScript.start(List.of("jsclient.mjs", mode, "http://127.0.0.1:" + haproxy.port(), topic, SECRET, String.valueOf(TOKEN_SECONDS), cursor),
                cluster.dir().resolve("jsclient-" + mode + logSuffix + ".err"), Duration.ofSeconds(30));
    }

    /**
     * Publishes while the gateway serving the client is killed and while its tokens expire, adding to
     * {@code published}; checks the client saw exactly those and returns its final snapshot.
     */
    private static JsonNode publishAcrossKillAndExpiries(NodeScript client, List<ServiceProcess> gateways, String mode,
                                                         List<Published> published) throws Exception {
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
        for (int i = 0; Collections.frequency(tokenReasons(client.command("snapshot")), "token-expired") < TOKEN_EXPIRIES; i++) {
            assertThat(i).as("events published before %d token expiries", TOKEN_EXPIRIES).isLessThan(TOKEN_SECONDS * TOKEN_EXPIRIES * 200);
            published.add(publish(client, i, "across expiries"));
        }
        Published last = publish(client, 0, "last");
        published.add(last);
        JsonNode seen = client.command("await", Map.of("events", published.size(), "lastData", last.data()));

        List<Published> events = events(seen);
        LOG.info("{}: {} published, {} received, {} lost, {} duplicated; {} opens; token requests {}", mode, published.size(),
                events.size(), published.stream().filter(p -> !events.contains(p)).count(), events.size() - new HashSet<>(events).size(),
                seen.get("opens").asInt(), tokenReasons(seen));
        assertThat(events).as("events the app saw, in order").containsExactlyElementsOf(published);
        return seen;
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

    private static List<Published> events(JsonNode snapshot) {
        List<Published> events = new ArrayList<>();
        snapshot.get("events").forEach(e -> events.add(new Published(e.get("type").asText(), e.get("id").asText(), e.get("data").asText())));
        return events;
    }

    private static List<String> tokenReasons(JsonNode snapshot) {
        List<String> reasons = new ArrayList<>();
        snapshot.get("tokenReasons").forEach(r -> reasons.add(r.asText()));
        return reasons;
    }
}
