package dev.herald.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.common.redis.KeyLayout;
import dev.herald.common.topic.Partitioner;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.testing.ResumingSseClient;
import dev.herald.gateway.testing.SentinelFixture;
import dev.herald.gateway.testing.TestCluster;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Herald behind Sentinel: a failover mid-stream, and delivery goes on from the new master. */
class RedisSentinelIntegrationTest {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSentinelIntegrationTest.class);

    private static List<String> dataIn(String uri, String stream) {
        RedisClient client = RedisClient.create(uri);
        try (var c = client.connect()) {
            return c.sync().xrange(stream, Range.unbounded()).stream().map(m -> m.getBody().get("d")).toList();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void deliveryContinuesThroughASentinelFailover() throws Exception {
        try (SentinelFixture redis = new SentinelFixture();
             TestCluster cluster = TestCluster.start(redis.uri(), 1, Map.of())) {
            List<String> acknowledged = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            try (ResumingSseClient client = new ResumingSseClient(cluster.gateway(0).port(), "/v1/stream?topic=sen")) {
                assertThat(client.awaitConnected(Duration.ofSeconds(10))).isTrue();
                Thread pump = new Thread(() -> {
                    for (int i = 0; running.get(); i++) {
                        String d = "s" + i;
                        HttpResponse<String> r = cluster.post("/v1/topics/sen/events", "{\"data\":\"" + d + "\"}");
                        synchronized (acknowledged) {
                            (r.statusCode() == 201 ? acknowledged : refused).add(d);
                        }
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                pump.start();
                Thread.sleep(1000);
                redis.failover();
                int switched;
                synchronized (acknowledged) {
                    switched = acknowledged.size();
                }
                Awaitility.await("publishes succeed on the new master").atMost(Duration.ofSeconds(30)).until(() -> {
                    synchronized (acknowledged) {
                        return acknowledged.size() > switched + 50;
                    }
                });
                running.set(false);
                pump.join();
                List<String> afterSwitch = List.copyOf(acknowledged.subList(switched, acknowledged.size()));
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> new HashSet<>(client.data()).containsAll(afterSwitch));
                List<String> got = client.data();
                assertThat(got).doesNotHaveDuplicates();
                assertThat(got).containsSubsequence(afterSwitch);
                String history = new KeyLayout("herald").history(new Partitioner(16).partitionOf(Topic.of("sen")), Topic.of("sen"));
                List<String> kept = dataIn(redis.replica().uri(), history);
                assertThat(kept).as("the promoted master holds every write acknowledged after the switch").containsAll(afterSwitch);
                long lostInSwitch = acknowledged.stream().filter(d -> !kept.contains(d)).count();
                LOG.info("sentinel failover: {} acknowledged ({} after the switch), {} refused, {} received, {} acknowledged during "
                        + "the switch were not replicated (Sentinel's asynchronous-replication window)",
                        acknowledged.size(), afterSwitch.size(), refused.size(), got.size(), lostInSwitch);
            }
        }
    }
}
