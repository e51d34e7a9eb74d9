package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two gateway processes behind a real HAProxy; one dies (SIGKILL) or drains (SIGTERM) while events
 * flow. Clients that behave like EventSource must end with exactly the published sequence.
 */
class GatewayFailoverIT {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayFailoverIT.class);
    private static final List<String> TOPICS = List.of("fo-a", "fo-b", "fo-c", "fo-d");
    private static final int CLIENTS = 40;

    private ProcessCluster cluster;
    private ServiceProcess publisher;
    private List<ServiceProcess> gateways;
    private ResumingClients clients;
    private final DeliveryCheck check = new DeliveryCheck();

    @BeforeEach
    void start() throws Exception {
        cluster = ProcessCluster.start("failover", RedisServer.Options.defaults(), 2,
                Map.of("herald.gateway.retry", "300ms", "herald.gateway.drain.period", "4s"));
        publisher = cluster.publisher();
        gateways = cluster.gateways();
        Haproxy haproxy = cluster.balance();
        clients = ResumingClients.open(haproxy.port(), TOPICS, CLIENTS);
    }

    @AfterEach
    void stop() throws Exception {
        if (clients != null) {
            clients.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void killingAGatewayMovesItsClientsToTheOtherWithNothingLostOrDuplicated() throws Exception {
        try (EventPump pump = new EventPump(publisher.port(), TOPICS, 5, check)) {
            Thread.sleep(1500);
            gateways.get(0).kill();
            Thread.sleep(3000);
        }
        assertEveryClientHasExactlyThePublishedSequence();
        assertThat(clients.list().stream().filter(c -> c.connects() > 1).count()).as("clients that reconnected").isGreaterThan(0);
    }

    @Test
    void drainingAGatewayMovesItsClientsWithinTheDrainPeriodWithNothingLostOrDuplicated() throws Exception {
        long exitMillis;
        try (EventPump pump = new EventPump(publisher.port(), TOPICS, 5, check)) {
            Thread.sleep(1500);
            long t0 = System.nanoTime();
            gateways.get(0).terminate();
            assertThat(gateways.get(0).awaitExit(Duration.ofSeconds(15))).as("gateway exited after its drain").isTrue();
            exitMillis = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(1000);
        }
        assertEveryClientHasExactlyThePublishedSequence();
        assertThat(exitMillis).as("drain of 4 s plus shutdown").isLessThan(8000);
        assertThat(gateways.get(0).log()).contains("drain started").contains("drain finished: 0 streams left");
        LOG.info("drained gateway exited {} ms after SIGTERM", exitMillis);
    }

    private void assertEveryClientHasExactlyThePublishedSequence() {
        DeliveryCheck.Tally t = check.assertExactSequences(clients);
        LOG.info("{} clients, {} events acknowledged: {} lost, {} duplicated, reconnects {}", CLIENTS, t.acknowledged(),
                t.lost(), t.duplicated(), t.reconnects());
    }
}
