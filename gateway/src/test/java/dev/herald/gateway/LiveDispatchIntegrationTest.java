package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The live path from the tailer to the IO loops: streams registering on several IO threads while events
 * flow each get exactly the published sequence from where they start, and an IO thread that falls behind
 * makes the tailer pause with the waiting bytes bounded, then resume without losing anything.
 */
class LiveDispatchIntegrationTest {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    /** An event published in order: its ID and its place in the sequence. */
    private record Published(String id, int seq) {
    }

    @Test
    void streamsRegisteringOnManyThreadsWhileEventsFlowEachGetExactlyThePublishedSequence() throws Exception {
        try (TestCluster cluster = TestCluster.start(redis.uri(), 0, Map.of("herald.http.io-threads", 4))) {
            Gateway gateway = cluster.startGateway(Map.of());
            int events = 4000;
            List<Published> published = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger streams = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(12);
            Thread publisher = new Thread(() -> {
                for (int seq = 0; seq < events; seq++) {
                    published.add(new Published(cluster.publish("race", Integer.toString(seq)), seq));
                }
            });
            publisher.start();
            List<Future<?>> racers = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                racers.add(pool.submit(() -> {
                    while (publisher.isAlive()) {
                        race(gateway.port(), published);
                        streams.incrementAndGet();
                    }
                    return null;
                }));
            }
            publisher.join();
            for (Future<?> racer : racers) {
                racer.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(streams.get()).as("streams opened during the race").isGreaterThan(100);
        }
    }

    /**
     * One stream: from a random event published so far (a resume, replayed from history and handed over to
     * live) or from now (live only); checks that what arrives is consecutive and starts right after the cursor.
     */
    private static void race(int port, List<Published> published) throws Exception {
        Published from = null;
        synchronized (published) {
            if (!published.isEmpty() && ThreadLocalRandom.current().nextInt(4) > 0) {
                from = published.get(ThreadLocalRandom.current().nextInt(published.size()));
            }
        }
        Map<String, String> headers = from == null ? Map.of() : Map.of("Last-Event-ID", from.id());
        try (SseClient c = SseClient.open(port, "/v1/stream?topic=race", headers)) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (c.data().size() < 40 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            List<Integer> got = c.data().stream().map(Integer::parseInt).toList();
            for (int i = 1; i < got.size(); i++) {
                assertThat(got.get(i)).as("event after %d (stream from %s)", got.get(i - 1), from).isEqualTo(got.get(i - 1) + 1);
            }
            if (from != null && !got.isEmpty()) {
                assertThat(got.get(0)).as("first event after the cursor %s", from).isEqualTo(from.seq() + 1);
            }
        }
    }

    @Test
    void anIoThreadThatFallsBehindPausesTheTailerWithinTheBoundAndLosesNothing() throws Exception {
        long bound = 64 * 1024;
        int readCount = 50;
        try (TestCluster cluster = TestCluster.start(redis.uri(), 0, Map.of("herald.http.io-threads", 1))) {
            Gateway gateway = cluster.startGateway(Map.of("herald.gateway.dispatch.max-waiting", bound,
                    "herald.gateway.tailer.count", readCount, "herald.gateway.max-pending-bytes", "4MiB"));
            String data = "x".repeat(1000);
            List<String> sent = new ArrayList<>();
            try (SseClient c = SseClient.open(gateway.port(), "/v1/stream?topic=burst", Map.of())) {
                cluster.publish("burst", "first");
                c.awaitData(1, Duration.ofSeconds(10));
                sent.add("first");
                CountDownLatch release = new CountDownLatch(1);
                gateway.worker().getIoThread(0).execute(() -> await(release)); // the only IO thread stalls
                for (int i = 0; i < 1000; i++) {
                    sent.add(i + data);
                    cluster.publish("burst", i + data);
                }
                MeterRegistry registry = gateway.registry();
                // All 1000 are in Redis; the stalled thread has the bound waiting and the tailer reads no more.
                assertThat(registry.get("herald.gateway.dispatch.waiting").gauge().value()).isGreaterThanOrEqualTo(bound);
                assertThat(registry.get("herald.gateway.tailer.events").counter().count()).isLessThan(sent.size());
                release.countDown();
                c.awaitData(sent.size(), Duration.ofSeconds(30));
                assertThat(c.data()).containsExactlyElementsOf(sent);
                assertThat(registry.get("herald.gateway.tailer.paused").timer().count()).isPositive();
                // Past the bound the tailer reads no more; what waits is at most the bound plus one read.
                double most = registry.get("herald.gateway.dispatch.waiting.max").gauge().value();
                assertThat(most).isGreaterThanOrEqualTo(bound).isLessThanOrEqualTo(bound + readCount * 1100);
                Awaitility.await().atMost(Duration.ofSeconds(5))
                        .until(() -> registry.get("herald.gateway.dispatch.waiting").gauge().value() == 0);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
