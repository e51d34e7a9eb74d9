package dev.herald.gateway.mercure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.common.auth.Tokens;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Subscription events when a gateway dies: a gateway process with Mercure subscriptions is killed with SIGKILL
 * (nothing of its close path runs), and of the two in-process gateways that survive it, exactly one publishes
 * each of its subscriptions gone, once.
 */
class MercureSubscriptionEventsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGISTRY = "herald:{mercure}:subscriptions";

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    @Test
    void theSubscriptionsOfAKilledGatewayAreReportedGoneOnceByTheSurvivors() throws Exception {
        // Presence every 300 ms: a gateway is dead after 900 ms without renewing, and the survivors look every 300 ms.
        Map<String, Object> settings = Map.of("herald.auth.jwt.hs256-secret", Tokens.SECRET, "herald.mercure.subscriptions", true,
                "herald.gateway.presence.interval", "300ms", "herald.gateway.heartbeat-interval", "300ms");
        Path logs = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-logs")), "mercure-subscription-events");
        RedisClient client = RedisClient.create(redis.uri());
        try (TestCluster survivors = TestCluster.start(redis.uri(), 2, settings);
             StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> keys = connection.sync();
            Awaitility.await().atMost(WAIT).until(() -> keys.zcard(REGISTRY) == 2);
            Set<String> survivorNames = new HashSet<>(keys.zrange(REGISTRY, 0, -1));
            Map<String, String> processSettings = new HashMap<>();
            settings.forEach((k, v) -> processSettings.put(k, v.toString()));
            processSettings.put("herald.redis.uri", redis.uri());
            ServiceProcess doomed = ServiceProcess.start("gateway", "doomed-gateway", processSettings, logs);
            try {
                Awaitility.await().atMost(WAIT).until(() -> keys.zcard(REGISTRY) == 3);
                String doomedName = keys.zrange(REGISTRY, 0, -1).stream().filter(n -> !survivorNames.contains(n)).findFirst().orElseThrow();
                Map<String, String> auth = Map.of("Authorization", "Bearer "
                        + MercureHubClient.token(List.of(), List.of("/.well-known/mercure/subscriptions{/topic}{/subscriber}"), null));
                // The marker's own subscription ID (.../urn%3Amarker%3Adead/...) is not one the template matches.
                List<String> watch = List.of(SubscriptionRegistry.PATH + "/urn%3Adead%3A{name}{/subscriber}", "urn:marker:dead");
                try (SseClient watcher = SseClient.open(survivors.gateway(0).port(), MercureHubClient.subscribePath(watch, ""), auth)) {
                    assertThat(watcher.status()).as(watcher.errorBody()).isEqualTo(200);
                    Awaitility.await().atMost(WAIT).until(() -> !watcher.comments().isEmpty());
                    SseClient a = SseClient.open(doomed.port(), MercureHubClient.subscribePath(List.of("urn:dead:a"), ""), Map.of());
                    SseClient bc = SseClient.open(doomed.port(), MercureHubClient.subscribePath(List.of("urn:dead:b", "urn:dead:c"), ""), Map.of());
                    assertThat(List.of(a.status(), bc.status())).containsOnly(200);
                    watcher.awaitData(3, WAIT);
                    assertThat(events(watcher)).extracting(e -> e.get("active").asBoolean()).containsOnly(true);
                    Set<String> doomedIds = new HashSet<>(ids(events(watcher)));
                    assertThat(doomedIds).hasSize(3);

                    doomed.kill();
                    a.close();
                    bc.close();
                    watcher.awaitData(6, WAIT);
                    List<JsonNode> gone = events(watcher).subList(3, 6);
                    assertThat(gone).extracting(e -> e.get("active").asBoolean()).containsOnly(false);
                    assertThat(ids(gone)).containsExactlyInAnyOrderElementsOf(doomedIds);
                    // The claim took the dead gateway's entry and hash in one step: no other reaper can claim it again.
                    assertThat(keys.zscore(REGISTRY, doomedName)).isNull();
                    assertThat(keys.exists(REGISTRY + ":" + doomedName)).isZero();

                    URI hub = URI.create("http://127.0.0.1:" + survivors.publisher().port() + "/.well-known/mercure");
                    MercureHubClient.publish(hub, "topic", "urn:marker:dead", "data", "{\"marker\":true}");
                    watcher.awaitData(7, WAIT);
                    assertThat(watcher.data()).as("each subscription gone exactly once, then the marker").hasSize(7);
                }
            } finally {
                doomed.close();
            }
        } finally {
            client.shutdown();
        }
    }

    /** The watcher's subscription events, in arrival order (the marker left out). */
    private static List<JsonNode> events(SseClient watcher) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String data : watcher.data()) {
            JsonNode event = JSON.readTree(data);
            if (event.has("active")) {
                events.add(event);
            }
        }
        return events;
    }

    private static List<String> ids(List<JsonNode> events) {
        return events.stream().map(e -> e.get("id").asText()).toList();
    }
}
