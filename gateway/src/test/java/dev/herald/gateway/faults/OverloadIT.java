package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Overload control through a real HAProxy: a gateway whose delivery lag stays over its budget refuses new
 * streams and sheds its streams a share at a time; their clients, behaving like EventSource, come back
 * through the balancer, end up on the gateway that has room, and miss nothing. "More than it can carry"
 * is made deterministic with a budget no delivery can meet (1 µs), so the gateway stays overloaded for
 * as long as events flow, whatever the speed of the machine.
 */
class OverloadIT {
    private static final Logger LOG = LoggerFactory.getLogger(OverloadIT.class);
    private static final List<String> TOPICS = List.of("ov-a", "ov-b", "ov-c", "ov-d");
    private static final int CLIENTS = 40;

    private ProcessCluster cluster;
    private ResumingClients clients;
    private final DeliveryCheck check = new DeliveryCheck();

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
    void anOverloadedGatewayShedsItsStreamsToTheGatewayWithRoomAndNothingIsLost() throws Exception {
        cluster = ProcessCluster.start("overload", RedisServer.Options.defaults(), 1, Map.of("herald.gateway.retry", "300ms"));
        ServiceProcess roomy = cluster.gateway(0);
        ServiceProcess overloaded = cluster.startGateway(Map.of("herald.gateway.retry", "300ms",
                "herald.gateway.overload.lag-budget", "1us", "herald.gateway.overload.shed-fraction", "0.25"));
        Haproxy haproxy = cluster.balance();
        // Before any event flows nothing lags: the balancer spreads the clients over both gateways.
        clients = ResumingClients.open(haproxy.port(), TOPICS, CLIENTS);
        assertThat(overloaded.openStreams()).as("streams on the gateway to be overloaded").isPositive();

        try (EventPump pump = new EventPump(cluster.publisher().port(), TOPICS, 5, check)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(overloaded.openStreams()).as("streams left on the overloaded gateway").isZero();
                assertThat(roomy.openStreams()).as("streams on the gateway with room").isEqualTo(CLIENTS);
            });
            Thread.sleep(1000); // events keep flowing to the clients on their new gateway
        }
        DeliveryCheck.Tally t = check.assertExactSequences(clients);
        assertThat(overloaded.metric("herald_gateway_sheds_total\\{reason=\"overload\"")).as("streams shed for overload").isPositive();
        assertThat(overloaded.metric("herald_gateway_overloaded")).isEqualTo(1.0);
        assertThat(overloaded.log()).contains("overloaded: delivery lag");
        assertThat(roomy.metric("herald_gateway_sheds_total\\{reason=\"overload\"")).isZero();
        LOG.info("overloaded gateway shed {} streams and refused {} requests; {} events, {} lost, {} duplicated, {} reconnects",
                overloaded.metric("herald_gateway_sheds_total\\{reason=\"overload\""),
                overloaded.metric("herald_gateway_refused_total\\{reason=\"overloaded\""),
                t.acknowledged(), t.lost(), t.duplicated(), t.reconnects());
    }

}
