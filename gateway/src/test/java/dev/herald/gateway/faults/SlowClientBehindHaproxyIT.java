package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.gateway.testing.SseClient;
import dev.herald.testing.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Slow clients behind HAProxy configured as shipped (deploy/haproxy/haproxy.cfg's global and defaults): the
 * balancer's bounded socket buffers pass a stalled client's backlog on to the gateway, which sheds the stream;
 * the client then resumes with Last-Event-ID and has exactly the published sequence. With the balancer's
 * buffers left to autotune, the backlog would sit in HAProxy and nothing would be shed.
 */
class SlowClientBehindHaproxyIT {
    private static final String TOPIC = "slow-lb";
    private static final int SLOW_CLIENTS = 5;
    private static final int BATCH = 50;
    private static final int BATCHES = 30;
    private static final String KB = "x".repeat(1000);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void stalledClientsAreShedThroughTheShippedHaproxyAndResumeLosslessly() throws Exception {
        assumeTrue(Haproxy.isInstalled(), "haproxy is not installed (apt-get install -y haproxy)");
        try (ProcessCluster cluster = ProcessCluster.start("slow-lb", RedisServer.Options.defaults(), 1, Map.of())) {
            int lb = cluster.balance().port();
            ServiceProcess gateway = cluster.gateway(0);
            String path = "/v1/stream?topic=" + TOPIC;
            List<SseClient> slow = new ArrayList<>();
            SseClient fast = SseClient.open(lb, path, Map.of());
            try {
                for (int i = 0; i < SLOW_CLIENTS; i++) {
                    slow.add(SseClient.slow(lb, path, Map.of(), 4096));
                }
                Awaitility.await().atMost(WAIT).until(() -> gateway.openStreams() == SLOW_CLIENTS + 1);
                slow.forEach(SseClient::pause);

                List<String> published = IntStream.range(0, BATCH * BATCHES).mapToObj(i -> i + KB).toList();
                // Paced by the reading client, so only the stalled ones fall behind.
                for (int b = 0; b < BATCHES; b++) {
                    publishBatch(cluster.publisher().port(), published.subList(b * BATCH, (b + 1) * BATCH));
                    fast.awaitData((b + 1) * BATCH, WAIT);
                }
                assertThat(fast.data()).as("the reading client").isEqualTo(published);
                Awaitility.await("every stalled client shed").atMost(WAIT)
                        .until(() -> gateway.metricSum("herald_gateway_sheds_total") >= SLOW_CLIENTS);
                assertThat(gateway.metricSum("herald_gateway_sheds_total")).as("sheds: the stalled clients only").isEqualTo(SLOW_CLIENTS);
                assertThat(fast.ended()).as("the reading client is not shed").isFalse();

                for (SseClient c : slow) {
                    c.unpause(); // read what the buffers still held, up to the close
                    Awaitility.await("shed stream closed through HAProxy").atMost(WAIT).until(c::ended);
                    assertThat(c.data().size()).as("a shed client got only part of the events").isLessThan(published.size());
                    try (SseClient resumed = SseClient.open(lb, path, Map.of("Last-Event-ID", c.lastEventId()))) {
                        List<String> rest = resumed.awaitData(published.size() - c.data().size(), WAIT).data();
                        List<String> all = new ArrayList<>(c.data());
                        all.addAll(rest);
                        assertThat(all).as("events before the shed, then after the resume").isEqualTo(published);
                    }
                }
            } finally {
                fast.close();
                for (SseClient c : slow) {
                    c.close();
                }
            }
        }
    }

    private static void publishBatch(int port, List<String> data) throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (String d : data) {
            body.append(body.length() == 1 ? "" : ",").append("{\"topic\":\"").append(TOPIC).append("\",\"data\":\"").append(d).append("\"}");
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
}
