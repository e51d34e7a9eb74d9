package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.NodeEventSource;
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
 * Redis stops for about 10 s behind HAProxy, and EventSource clients (npm {@code eventsource}, and Chromium's
 * own) reconnect during the outage
 * (their gateway, frozen a little earlier so they are behind, is killed): the surviving gateway stays ready,
 * so HAProxy hands it their reconnects, and it holds them open, retrying their history reads, until Redis is
 * back, then replays from their Last-Event-ID. Each client gets every acknowledged event exactly once, in
 * order, and no reconnect is refused.
 */
class RedisOutageEventSourceIT {
    private static final Logger LOG = LoggerFactory.getLogger(RedisOutageEventSourceIT.class);
    private static final String TOPIC = "outage-t";
    /** npm eventsource clients, then one Chromium. */
    private static final int CLIENTS = 5;

    @Test
    void eventSourcesThatReconnectDuringARedisOutageAreHeldAndResumeExactlyOnceItIsBack() throws Exception {
        DeliveryCheck check = new DeliveryCheck();
        List<NodeEventSource> clients = new ArrayList<>();
        try (ProcessCluster cluster = ProcessCluster.start("redis-outage", RedisServer.Options.defaults().withAppendOnly(true), 2,
                Map.of("herald.gateway.retry", "300ms"))) {
            Haproxy haproxy = cluster.balance();
            int publisher = cluster.publisher().port();
            String url = "http://127.0.0.1:" + haproxy.port() + "/v1/stream?topic=" + TOPIC;
            for (int i = 0; i < CLIENTS - 1; i++) {
                clients.add(new NodeEventSource(url, 90, cluster.dir().resolve("node-" + i + ".err")));
            }
            clients.add(NodeEventSource.chromium(url, 90, cluster.dir().resolve("chromium.err")));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> clients.stream().allMatch(c -> c.count("open") == 1));
            ServiceProcess doomed = cluster.gateway(0);
            ServiceProcess survivor = cluster.gateway(1);
            int moving = doomed.openStreams();
            assertThat(moving).as("streams on the gateway to be killed").isPositive();
            EventPump.publishBatches(publisher, List.of(TOPIC), 0, 200, 50, check);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().allMatch(c -> c.data("message").size() == 200));

            doomed.pause(); // its clients miss what follows: they must replay it
            EventPump.publishBatches(publisher, List.of(TOPIC), 200, 100, 50, check);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().filter(c -> c.data("message").size() == 300).count()
                    == CLIENTS - moving);
            long outageStart = System.nanoTime();
            cluster.redis().stop();
            doomed.kill();
            // Their reconnects reach the survivor, which cannot read Redis, and are held open there.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> survivor.openStreams() == CLIENTS);
            assertThat(survivor.ready()).as("ready while Redis is down").isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> survivor.metric("herald_gateway_replay_retries_total") > 0);
            Awaitility.await().atMost(Duration.ofSeconds(12)).until(() -> System.nanoTime() - outageStart > 10_000_000_000L);
            assertThat(survivor.openStreams()).as("held through the outage").isEqualTo(CLIENTS);
            cluster.redis().restart();

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                try {
                    EventPump.publishBatches(publisher, List.of(TOPIC), 300, 1, 1, check);
                    return true;
                } catch (IllegalStateException e) {
                    return false; // the publisher has not reconnected yet
                }
            });
            EventPump.publishBatches(publisher, List.of(TOPIC), 301, 199, 50, check);
            List<String> acknowledged = check.acknowledged(TOPIC);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream().allMatch(c -> c.data("message").size() >= acknowledged.size()));
            int opens = 0;
            for (NodeEventSource c : clients) {
                assertThat(c.data("message")).isEqualTo(acknowledged);
                assertThat(c.data("herald.reset")).isEmpty();
                assertThat(c.count("open")).as("opens").isBetween(1L, 2L);
                opens += (int) c.count("open");
            }
            assertThat(opens).as("every moved client reopened once").isEqualTo(CLIENTS + moving);
            LOG.info("redis outage: {} events acknowledged, {} clients, {} reconnected during the outage, {} opens, "
                    + "{} replay retries, lost 0, duplicated 0, resets 0", acknowledged.size(), CLIENTS, moving, opens,
                    survivor.metric("herald_gateway_replay_retries_total"));
        } finally {
            for (NodeEventSource c : clients) {
                c.close();
            }
        }
    }
}
