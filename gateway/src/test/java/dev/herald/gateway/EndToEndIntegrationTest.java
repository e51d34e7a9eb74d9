package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.common.topic.Partitioner;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import dev.herald.testing.SseParser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Publish → Redis → gateway → SSE client, and Last-Event-ID resume across gateways. */
class EndToEndIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(redis.uri(), 2, Map.of("herald.retention.max-len", 100_000));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static int gatewayA() {
        return cluster.gateway(0).port();
    }

    private static int gatewayB() {
        return cluster.gateway(1).port();
    }

    private static String stream(String... topics) {
        StringBuilder q = new StringBuilder("/v1/stream?");
        for (String t : topics) {
            q.append("topic=").append(t).append('&');
        }
        return q.substring(0, q.length() - 1);
    }

    @Test
    void streamFlushesSseHeadersAndAnOpeningCommentAtOnce() throws Exception {
        try (SseClient c = SseClient.open(gatewayA(), stream("open-t"), Map.of())) {
            assertThat(c.status()).isEqualTo(200);
            assertThat(c.header("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
            assertThat(c.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(c.header("X-Accel-Buffering")).isEqualTo("no");
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !c.comments().isEmpty());
        }
    }

    @Test
    void subscriberReceivesExactlyThePublishedEventsInPerTopicOrder() throws Exception {
        String[] topics = {"e2e-a", "e2e-b", "e2e-c"};
        try (SseClient c = SseClient.open(gatewayA(), stream(topics), Map.of())) {
            awaitOpen(c);
            Map<String, List<String>> published = new LinkedHashMap<>();
            for (int i = 0; i < 90; i++) {
                String topic = topics[i % 3];
                String data = topic + "#" + i;
                cluster.publish(topic, data);
                published.computeIfAbsent(topic, k -> new ArrayList<>()).add(data);
            }
            cluster.publish("e2e-other", "not subscribed");
            c.awaitData(90, WAIT);
            Thread.sleep(200);
            assertThat(byTopic(c.data())).isEqualTo(published);
        }
    }

    @Test
    void publishedDataKeepsLineBreaksUnicodeAndEventNames() throws Exception {
        try (SseClient c = SseClient.open(gatewayA(), stream("e2e-format"), Map.of())) {
            awaitOpen(c);
            cluster.publishJson("e2e-format", "{\"event\":\"greeting\",\"data\":\"line1\\r\\nline2\\rline3\\nłódź 🎉\",\"retry\":1500}");
            cluster.publishJson("e2e-format", "{\"data\":{\"n\":1,\"list\":[true,null]}}");
            cluster.publishJson("e2e-format", "{\"data\":\"\"}");
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> c.events().size() >= 3);
            List<SseParser.Event> events = c.events();
            assertThat(events.get(0).type()).isEqualTo("greeting");
            assertThat(events.get(0).data()).isEqualTo("line1\nline2\nline3\nłódź 🎉");
            assertThat(events.get(0).retry()).isEqualTo(1500L);
            assertThat(events.get(1).data()).isEqualTo("{\"n\":1,\"list\":[true,null]}");
            assertThat(events.get(2).data()).isEmpty();
        }
    }

    @Test
    void resumeOnAnotherGatewayWithLastEventIdHeaderDeliversExactlyTheRest() throws Exception {
        List<String> all = publishNumbered("e2e-resume", 40);
        String lastSeen;
        try (SseClient a = SseClient.open(gatewayA(), stream("e2e-resume"), Map.of("Last-Event-ID", idBefore("e2e-resume")))) {
            a.awaitData(15, WAIT);
            lastSeen = a.events().get(14).lastEventId();
        }
        try (SseClient b = SseClient.open(gatewayB(), stream("e2e-resume"), Map.of("Last-Event-ID", lastSeen))) {
            b.awaitData(25, WAIT);
            Thread.sleep(200);
            assertThat(b.data()).isEqualTo(all.subList(15, 40));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lastEventId", "last_event_id"})
    void resumeWithTheLastEventIdQueryParameterOrItsSnakeCaseAliasDeliversExactlyTheRest(String parameter) throws Exception {
        String topic = "e2e-query-" + parameter.replace('_', '-');
        List<String> all = publishNumbered(topic, 20);
        String afterTenth = idOfNth(topic, 10);
        String path = stream(topic) + "&" + parameter + "=" + URLEncoder.encode(afterTenth, StandardCharsets.UTF_8);
        try (SseClient b = SseClient.open(gatewayB(), path, Map.of())) {
            b.awaitData(10, WAIT);
            Thread.sleep(200);
            assertThat(b.data()).isEqualTo(all.subList(10, 20));
        }
    }

    @Test
    void resumeWhilePublishingContinuesYieldsTheExactPublishedSequence() throws Exception {
        String topic = "e2e-race";
        List<String> published = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        Thread publisher = new Thread(() -> {
            for (int i = 0; running.get() && i < 3000; i++) {
                String d = "r" + i;
                cluster.publish(topic, d);
                published.add(d);
            }
        });
        try (SseClient a = SseClient.open(gatewayA(), stream(topic), Map.of())) {
            awaitOpen(a);
            publisher.start();
            a.awaitData(100, WAIT);
            String resumeAt = a.lastEventId();
            int seen = a.data().size();
            List<String> firstPart = a.data().subList(0, seen);
            a.close();
            try (SseClient b = SseClient.open(gatewayB(), stream(topic), Map.of("Last-Event-ID", resumeAt))) {
                Thread.sleep(500);
                running.set(false);
                publisher.join();
                int total = published.size();
                b.awaitData(total - seen, WAIT);
                Thread.sleep(200);
                List<String> union = new ArrayList<>(firstPart);
                union.addAll(b.data());
                assertThat(union).containsExactlyElementsOf(published);
            }
        } finally {
            running.set(false);
            publisher.join();
        }
    }

    @Test
    void multiTopicSubscriptionAcrossPartitionsResumesExactly() throws Exception {
        Partitioner partitioner = new Partitioner(16);
        List<String> topics = new ArrayList<>();
        for (int i = 0; topics.size() < 3; i++) {
            String t = "e2e-multi-" + i;
            int p = partitioner.partitionOf(Topic.of(t));
            if (topics.stream().noneMatch(o -> partitioner.partitionOf(Topic.of(o)) == p)) {
                topics.add(t);
            }
        }
        String[] names = topics.toArray(String[]::new);
        Map<String, List<String>> published = new HashMap<>();
        int firstCount = 30;
        String lastSeen;
        List<String> seenFirst;
        try (SseClient a = SseClient.open(gatewayA(), stream(names), Map.of())) {
            awaitOpen(a);
            for (int i = 0; i < 90; i++) {
                String t = names[i % 3];
                String d = t + "#" + i;
                cluster.publish(t, d);
                published.computeIfAbsent(t, k -> new ArrayList<>()).add(d);
            }
            a.awaitData(90, WAIT);
            lastSeen = a.events().get(firstCount - 1).lastEventId();
            seenFirst = a.data().subList(0, firstCount);
            assertThat(lastSeen.split(",")).hasSize(3);
        }
        try (SseClient b = SseClient.open(gatewayB(), stream(names), Map.of("Last-Event-ID", lastSeen))) {
            b.awaitData(90 - firstCount, WAIT);
            Thread.sleep(200);
            List<String> union = new ArrayList<>(seenFirst);
            union.addAll(b.data());
            assertThat(union).doesNotHaveDuplicates().hasSize(90);
            Map<String, List<String>> unionByTopic = byTopic(union);
            published.forEach((t, list) -> assertThat(unionByTopic.get(t)).as(t).isEqualTo(list));
        }
    }

    @Test
    void resumeFromTrimmedHistorySendsResetThenTheRetainedRest() throws Exception {
        try (TestCluster small = TestCluster.start(redis.uri(), 1, Map.of("herald.retention.max-len", 10, "herald.key-prefix", "trim"))) {
            String first = small.publish("e2e-trim", "old-0");
            List<String> all = new ArrayList<>(List.of("old-0"));
            for (int i = 1; i < 1000; i++) {
                all.add("d" + i);
                small.publish("e2e-trim", "d" + i);
            }
            JsonNode info = JSON.readTree(small.get(small.publisher().port(), "/v1/topics/e2e-trim").body());
            long retained = info.get("length").asLong();
            assertThat(retained).isLessThan(1000);
            try (SseClient c = SseClient.open(small.gateway(0).port(), stream("e2e-trim"), Map.of("Last-Event-ID", first))) {
                c.awaitData((int) retained, WAIT);
                Thread.sleep(200);
                List<SseParser.Event> events = c.events();
                assertThat(events.get(0).type()).isEqualTo("herald.reset");
                JsonNode reset = JSON.readTree(events.get(0).data());
                assertThat(reset.get("topic").asText()).isEqualTo("e2e-trim");
                assertThat(reset.get("reason").asText()).isEqualTo("history_trimmed");
                assertThat(reset.get("oldestRetained").asText()).isEqualTo(info.get("firstId").asText());
                assertThat(c.data()).isEqualTo(all.subList(1000 - (int) retained, 1000));
            }
        }
    }

    @Test
    void malformedLastEventIdIsRejectedWithJson400() throws Exception {
        for (String bad : List.of("garbage", "1:abc", "99:1-0", "1:1-0,1:2-0", "-1:1-1")) {
            try (SseClient c = SseClient.open(gatewayA(), stream("e2e-bad"), Map.of("Last-Event-ID", bad))) {
                assertThat(c.status()).as(bad).isEqualTo(400);
                assertThat(JSON.readTree(c.errorBody()).get("error").asText()).isEqualTo("invalid_last_event_id");
            }
        }
        try (SseClient c = SseClient.open(gatewayA(), stream("e2e-bad") + "&lastEventId=nope", Map.of())) {
            assertThat(c.status()).isEqualTo(400);
        }
    }

    @Test
    void invalidOrMissingTopicsAreRejectedWithJson400() throws Exception {
        for (String path : List.of("/v1/stream", "/v1/stream?topic=", "/v1/stream?topic=bad%20topic", "/v1/stream?topic=.hidden",
                "/v1/stream?topic=" + "x".repeat(201))) {
            try (SseClient c = SseClient.open(gatewayA(), path, Map.of())) {
                assertThat(c.status()).as(path).isEqualTo(400);
                assertThat(JSON.readTree(c.errorBody()).get("error").asText()).isIn("missing_topic", "invalid_topic");
            }
        }
        String tooMany = "/v1/stream?" + String.join("&", IntStream.range(0, 65).mapToObj(i -> "topic=t" + i).toList());
        try (SseClient c = SseClient.open(gatewayA(), tooMany, Map.of())) {
            assertThat(c.status()).isEqualTo(400);
            assertThat(JSON.readTree(c.errorBody()).get("error").asText()).isEqualTo("too_many_topics");
        }
    }

    @Test
    void gatewayAnswersUnknownRoutesWithJson404() {
        var r = cluster.get(gatewayA(), "/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("\"error\":\"not_found\"");
    }

    private static void awaitOpen(SseClient c) {
        assertThat(c.status()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !c.comments().isEmpty());
    }

    private static List<String> publishNumbered(String topic, int n) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(topic + "-" + i);
            cluster.publish(topic, topic + "-" + i);
        }
        return all;
    }

    /** The event id just before the topic's first retained event: resuming from it replays everything. */
    private static String idBefore(String topic) throws Exception {
        JsonNode info = JSON.readTree(cluster.get(cluster.publisher().port(), "/v1/topics/" + topic).body());
        String first = info.get("firstId").asText();
        int colon = first.indexOf(':');
        long ms = Long.parseLong(first.substring(colon + 1, first.indexOf('-')));
        return first.substring(0, colon + 1) + (ms - 1) + "-0";
    }

    /** The id of the topic's n-th retained event (1-based), read from a full replay. */
    private static String idOfNth(String topic, int n) throws Exception {
        try (SseClient c = SseClient.open(gatewayA(), stream(topic), Map.of("Last-Event-ID", idBefore(topic)))) {
            c.awaitData(n, WAIT);
            return c.events().get(n - 1).lastEventId();
        }
    }

    private static Map<String, List<String>> byTopic(List<String> data) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String d : data) {
            map.computeIfAbsent(d.substring(0, d.indexOf('#')), k -> new ArrayList<>()).add(d);
        }
        return map;
    }
}
