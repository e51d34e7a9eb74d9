package dev.herald.gateway.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.HeraldPublisher;
import dev.herald.client.HeraldSubscriber;
import dev.herald.client.SseEvent;
import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.testing.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The Java client against real processes: a subscription through HAProxy keeps the exact published sequence
 * across the kill of the gateway that serves it, while the publisher client publishes through it all.
 */
class JavaClientIT {
    @Test
    void aSubscriptionKeepsTheExactSequenceAcrossAGatewayKill() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start("java-client", RedisServer.Options.defaults(), 2,
                Map.of("herald.gateway.retry", "300ms"))) {
            Haproxy haproxy = cluster.balance();
            HeraldPublisher publisher = HeraldPublisher.to(URI.create("http://127.0.0.1:" + cluster.publisher().port()));
            List<String> received = Collections.synchronizedList(new ArrayList<>());
            List<String> published = new ArrayList<>();
            String lastId = null;
            try (HeraldSubscriber.Subscription subscription = HeraldSubscriber.to(URI.create("http://127.0.0.1:" + haproxy.port()))
                    .subscribe(List.of("java-client"), null, new HeraldSubscriber.Listener() {
                        @Override
                        public void onEvent(SseEvent event) {
                            received.add(event.data());
                        }
                    })) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cluster.gateways().stream().mapToInt(g -> g.openStreams()).sum() == 1);
                for (int i = 0; i < 300; i++) {
                    if (i == 150) {
                        // Kill whichever gateway holds the stream.
                        (cluster.gateway(0).openStreams() == 1 ? cluster.gateway(0) : cluster.gateway(1)).kill();
                    }
                    published.add("e" + i);
                    lastId = publisher.publish("java-client", "e" + i).id();
                    Thread.sleep(5);
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= published.size());
                assertThat(received).isEqualTo(published);
                assertThat(subscription.lastEventId()).as("the cursor is the last event's ID").isEqualTo(lastId);
            }
        }
    }
}
