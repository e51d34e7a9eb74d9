package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.common.redis.KeyLayout;
import dev.herald.common.topic.Partitioner;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.testing.ProcessCluster;
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
 * Entries nobody's publisher wrote (no topic, a bad topic name, a bad publish time) are XADDed straight into a
 * partition feed: the tailer skips and counts them, logs each kind once, and every client, in that partition
 * and another, gets every real event exactly once.
 */
class PoisonEntryIT {
    private static final Logger LOG = LoggerFactory.getLogger(PoisonEntryIT.class);

    @Test
    void undecodableFeedEntriesAreSkippedAndCountedAndEveryPartitionKeepsFlowing() throws Exception {
        Partitioner partitioner = new Partitioner(16);
        String poisoned = "poison-a";
        String other = "poison-b";
        for (int i = 0; partitioner.partitionOf(Topic.of(other)) == partitioner.partitionOf(Topic.of(poisoned)); i++) {
            other = "poison-b" + i;
        }
        List<String> topics = List.of(poisoned, other);
        DeliveryCheck check = new DeliveryCheck();
        try (ProcessCluster cluster = ProcessCluster.start("poison", RedisServer.Options.defaults(), 1, Map.of());
             ResumingClients clients = ResumingClients.open(cluster.gateway(0).port(), topics, 4)) {
            ServiceProcess gateway = cluster.gateway(0);
            EventPump.publishBatches(cluster.publisher().port(), topics, 0, 100, 50, check);
            String feed = new KeyLayout("herald").feed(partitioner.partitionOf(Topic.of(poisoned)));
            for (int round = 0; round < 2; round++) {
                cluster.redis().send("XADD", feed, "*", "e", "x", "d", "no topic");
                cluster.redis().send("XADD", feed, "*", "t", "bad topic!", "d", "bad name");
                cluster.redis().send("XADD", feed, "*", "t", poisoned, "d", "bad time", "ts", "yesterday");
            }
            EventPump.publishBatches(cluster.publisher().port(), topics, 100, 200, 50, check);
            DeliveryCheck.Tally t = check.assertExactSequences(clients);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> gateway.metric("herald_gateway_tailer_undecodable_total") == 6.0);
            String log = gateway.log();
            long logged = log.lines().filter(l -> l.contains("skipping undecodable feed entry")).count();
            assertThat(logged).as("each kind logged once").isEqualTo(3);
            assertThat(gateway.ready()).isTrue();
            LOG.info("poison entries: 6 written, {} counted, {} logged; {} events published, {} lost, {} duplicated, {} reconnects",
                    gateway.metric("herald_gateway_tailer_undecodable_total"), logged, t.acknowledged(), t.lost(), t.duplicated(), t.reconnects());
        }
    }
}
