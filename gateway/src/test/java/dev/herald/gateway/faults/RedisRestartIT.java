package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.testing.ResumingSseClient;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * redis-server (AOF on) is restarted while events flow: the publisher answers 503 with Retry-After during
 * the outage, the gateway keeps its client streams open, its tailer continues from its last ID, and every
 * acknowledged event reaches every client exactly once.
 */
class RedisRestartIT {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRestartIT.class);
    private static final List<String> TOPICS = List.of("rr-a", "rr-b");

    @Test
    void gatewaysRecoverOnTheirOwnAndNoAcknowledgedEventIsLost() throws Exception {
        DeliveryCheck check = new DeliveryCheck();
        List<ResumingSseClient> clients = new ArrayList<>();
        try (ProcessCluster cluster = ProcessCluster.start("redis-restart", RedisServer.Options.defaults().withAppendOnly(true), 1, Map.of())) {
            RedisServer redis = cluster.redis();
            ServiceProcess publisher = cluster.publisher();
            ServiceProcess gateway = cluster.gateway(0);
            for (int i = 0; i < 10; i++) {
                ResumingSseClient c = new ResumingSseClient(gateway.port(), "/v1/stream?topic=" + TOPICS.get(i % 2));
                clients.add(c);
                assertThat(c.awaitConnected(Duration.ofSeconds(10))).isTrue();
            }
            int unavailable;
            try (EventPump pump = new EventPump(publisher.port(), TOPICS, 5, check)) {
                Thread.sleep(1000);
                redis.stop();
                Thread.sleep(1500);
                redis.restart();
                Awaitility.await().atMost(Duration.ofSeconds(15)).until(gateway::ready);
                Thread.sleep(1500);
                unavailable = pump.unavailable();
                assertThat(pump.failed()).as("answers other than 201 or 503+Retry-After").isZero();
            }
            assertThat(unavailable).as("publishes refused with 503 during the outage").isPositive();
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (int i = 0; i < clients.size(); i++) {
                    if (check.lost(TOPICS.get(i % 2), clients.get(i).data()) > 0) {
                        return false;
                    }
                }
                return true;
            });
            int lost = 0;
            int duplicated = 0;
            for (int i = 0; i < clients.size(); i++) {
                String topic = TOPICS.get(i % 2);
                List<String> got = clients.get(i).data();
                lost += check.lost(topic, got);
                duplicated += DeliveryCheck.duplicated(got);
                assertThat(check.inPublishOrder(topic, got)).isTrue();
                assertThat(clients.get(i).connects()).as("stream stayed open through the outage").isEqualTo(1);
            }
            LOG.info("redis restart: {} acknowledged, {} refused with 503, {} lost, {} duplicated", check.acknowledgedCount(),
                    unavailable, lost, duplicated);
            assertThat(lost).isZero();
            assertThat(duplicated).isZero();
        } finally {
            for (ResumingSseClient c : clients) {
                c.close();
            }
        }
    }
}
