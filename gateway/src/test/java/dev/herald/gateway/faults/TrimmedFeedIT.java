package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ResumingSseClient;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway frozen (SIGSTOP) while its partition feeds are trimmed past its tailer's position: on SIGCONT
 * its tailer notices the gap and its streams replay it from topic histories, so every client gets every
 * event exactly once (histories keep them all here), never a silent gap.
 */
class TrimmedFeedIT {
    private static final Logger LOG = LoggerFactory.getLogger(TrimmedFeedIT.class);
    private static final List<String> TOPICS = List.of("trim-a", "trim-b");

    @Test
    void aGatewayPausedWhileTheFeedIsTrimmedPastItDeliversTheGapFromHistory() throws Exception {
        DeliveryCheck check = new DeliveryCheck();
        try (ProcessCluster cluster = ProcessCluster.start("trimmed-feed", RedisServer.Options.defaults(), 1, Map.of(),
                Map.of("herald.feed.max-len", "1000"));
             ResumingClients clients = ResumingClients.open(cluster.gateway(0).port(), TOPICS, 6)) {
            ServiceProcess gateway = cluster.gateway(0);
            int publisher = cluster.publisher().port();
            EventPump.publishBatches(publisher, TOPICS, 0, 500, 100, check);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> clients.list().stream().allMatch(c -> c.data().size() == 250));
            gateway.pause();
            try {
                EventPump.publishBatches(publisher, TOPICS, 500, 5000, 100, check);
            } finally {
                gateway.resume();
            }
            EventPump.publishBatches(publisher, TOPICS, 5500, 500, 100, check);
            DeliveryCheck.Tally t = check.assertExactSequences(clients);
            int resets = clients.list().stream().mapToInt(ResumingSseClient::resets).sum();
            double gaps = gateway.metric("herald_gateway_tailer_discontinuities_total");
            LOG.info("trimmed feed: {} events published, {} clients, {} lost, {} duplicated, {} resets, {} reconnects, {} gaps detected",
                    t.acknowledged(), clients.list().size(), t.lost(), t.duplicated(), resets, t.reconnects(), gaps);
            assertThat(gaps).as("gaps the tailer detected").isPositive();
            assertThat(resets).as("histories kept everything: no reset").isZero();
        }
    }
}
