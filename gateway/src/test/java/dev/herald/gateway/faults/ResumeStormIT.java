package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.gateway.testing.SseSwarm;
import dev.herald.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The moment that decides a horizontally scaled SSE cluster: a gateway with 2000 clients dies and they
 * all resume on the survivor at once. Every client must end with exactly the published sequence, and
 * the survivor's per-connection bound and connection count must hold throughout.
 */
class ResumeStormIT {
    private static final Logger LOG = LoggerFactory.getLogger(ResumeStormIT.class);
    private static final int CLIENTS = 2000;
    private static final List<String> TOPICS = IntStream.range(0, 20).mapToObj(i -> "storm-" + i).toList();
    private static final long BOUND = 64 * 1024;

    @Test
    void twoThousandClientsOfAKilledGatewayResumeOnTheSurvivorWithNothingLostOrDuplicated() throws Exception {
        DeliveryCheck check = new DeliveryCheck();
        Map<String, String> props = Map.of("herald.gateway.max-pending-bytes", String.valueOf(BOUND), "herald.gateway.retry", "300ms");
        try (ProcessCluster cluster = ProcessCluster.start("storm", RedisServer.Options.defaults(), 2, props)) {
            ServiceProcess publisher = cluster.publisher();
            ServiceProcess a = cluster.gateway(0);
            ServiceProcess b = cluster.gateway(1);
            List<String> paths = IntStream.range(0, CLIENTS).mapToObj(i -> "/v1/stream?topic=" + TOPICS.get(i % TOPICS.size())).toList();
            try (SseSwarm swarm = new SseSwarm(paths, a.port(), b.port())) {
                Awaitility.await("all clients streaming from A").atMost(Duration.ofSeconds(60)).until(() -> swarm.streaming() == CLIENTS);
                AtomicLong peakConnections = new AtomicLong();
                long killedAt;
                try (EventPump pump = new EventPump(publisher.port(), TOPICS, 5, check)) {
                    Thread.sleep(2000);
                    killedAt = System.nanoTime();
                    a.kill();
                    Awaitility.await("all clients streaming from B").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                            .until(() -> {
                                peakConnections.accumulateAndGet((long) b.metric("herald_gateway_connections"), Math::max);
                                return swarm.streaming() == CLIENTS;
                            });
                    Thread.sleep(2000);
                }
                long resumedMillis = (System.nanoTime() - killedAt) / 1_000_000;
                Awaitility.await("every client caught up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    for (int i = 0; i < CLIENTS; i++) {
                        if (check.lost(TOPICS.get(i % TOPICS.size()), swarm.clients().get(i).data()) > 0) {
                            return false;
                        }
                    }
                    return true;
                });
                int lost = 0;
                int duplicated = 0;
                for (int i = 0; i < CLIENTS; i++) {
                    String topic = TOPICS.get(i % TOPICS.size());
                    List<String> got = swarm.clients().get(i).data();
                    lost += check.lost(topic, got);
                    duplicated += DeliveryCheck.duplicated(got);
                    assertThat(got).as("client %d", i).isEqualTo(check.acknowledged(topic));
                }
                double maxPending = b.metric("herald_gateway_pending_bytes_max_bytes");
                LOG.info("storm: {} clients, {} events acknowledged, all streaming on B {} ms after the kill; {} lost, {} duplicated; "
                        + "B peak connections {}, B max pending bytes {}, history pages read {}, shared {}", CLIENTS,
                        check.acknowledgedCount(), resumedMillis, lost, duplicated, peakConnections.get(), (long) maxPending,
                        (long) b.metric("herald_gateway_replay_pages_total\\{[^}]*source=\"redis\""),
                        (long) b.metric("herald_gateway_replay_pages_total\\{[^}]*source=\"shared\""));
                assertThat(lost).isZero();
                assertThat(duplicated).isZero();
                assertThat(peakConnections.get()).isLessThanOrEqualTo(CLIENTS);
                assertThat(maxPending).isLessThanOrEqualTo(BOUND + 1024);
            }
        }
    }
}
