package dev.herald.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.common.topic.Partitioner;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.testing.RedisClusterFixture;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Herald on a three-master Redis Cluster: partitions spread over the nodes, delivery and resume across slots. */
class RedisClusterIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    static RedisClusterFixture redis;
    static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        redis = new RedisClusterFixture();
        cluster = TestCluster.start(redis.seeds(), 2, Map.of("herald.redis.mode", "cluster"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** One topic in each of the 16 partitions. */
    private static List<String> topicPerPartition() {
        Partitioner partitioner = new Partitioner(16);
        String[] byPartition = new String[16];
        for (int i = 0, found = 0; found < 16; i++) {
            String t = "cl-" + i;
            int p = partitioner.partitionOf(Topic.of(t));
            if (byPartition[p] == null) {
                byPartition[p] = t;
                found++;
            }
        }
        return List.of(byPartition);
    }

    @Test
    void eventsOfEveryPartitionAreDeliveredAndResumedAcrossSlotsAndNodes() throws Exception {
        List<String> topics = topicPerPartition();
        String path = "/v1/stream?" + String.join("&", topics.stream().map(t -> "topic=" + t).toList());
        Map<String, List<String>> published = new LinkedHashMap<>();
        String resumeAt;
        List<String> firstPart;
        try (SseClient a = SseClient.open(cluster.gateway(0).port(), path, Map.of())) {
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !a.comments().isEmpty());
            for (int i = 0; i < 160; i++) {
                String t = topics.get(i % 16);
                String d = t + "#" + i;
                cluster.publish(t, d);
                published.computeIfAbsent(t, k -> new ArrayList<>()).add(d);
            }
            a.awaitData(160, WAIT);
            assertThat(byTopic(a.data())).isEqualTo(published);
            resumeAt = a.events().get(79).lastEventId();
            firstPart = a.data().subList(0, 80);
        }
        assertThat(resumeAt.split(",")).hasSize(16);
        try (SseClient b = SseClient.open(cluster.gateway(1).port(), path, Map.of("Last-Event-ID", resumeAt))) {
            b.awaitData(80, WAIT);
            Thread.sleep(300);
            List<String> union = new ArrayList<>(firstPart);
            union.addAll(b.data());
            assertThat(union).doesNotHaveDuplicates().hasSize(160);
            assertThat(byTopic(union)).containsExactlyInAnyOrderEntriesOf(published);
        }
        long nodesWithKeys = redis.nodes().stream().filter(n -> !n.send("DBSIZE").trim().equals("0")).count();
        assertThat(nodesWithKeys).as("partitions spread over the cluster's nodes").isEqualTo(3);
    }

    private static Map<String, List<String>> byTopic(List<String> data) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String d : data) {
            map.computeIfAbsent(d.substring(0, d.indexOf('#')), k -> new ArrayList<>()).add(d);
        }
        return map;
    }
}
