package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.gateway.testing.SseSwarm;
import dev.herald.testing.RedisServer;
import dev.herald.testing.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/2 benchmark (not part of CI: {@code mvn verify -Dit.test=Http2BenchmarkIT -Dherald.bench.h2=true
 * -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false}): 1000 SSE streams over 100 TLS connections with
 * HTTP/2 (Java's HttpClient, ten streams each), beside 1000 HTTP/1.1 streams on the same gateway in the same
 * run, one topic at about 100 events/s: end-to-end latency and gateway CPU per delivered event.
 */
class Http2BenchmarkIT {
    private static final Logger LOG = LoggerFactory.getLogger(Http2BenchmarkIT.class);
    private static final int CONNECTIONS = 100;
    private static final int STREAMS_PER_CONNECTION = 10;
    private static final String TOPIC = "bench-h2";
    private static final long MEASURE_MILLIS = 15_000;

    @Test
    void aThousandStreamsOverAHundredHttp2ConnectionsBesideAThousandHttp1Streams() throws Exception {
        assumeTrue(Boolean.getBoolean("herald.bench.h2"), "a benchmark: run with -Dherald.bench.h2=true");
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-logs")), "h2-bench");
        TestCertificates certs = TestCertificates.create();
        try (RedisServer redis = RedisServer.start();
             ServiceProcess publisher = ServiceProcess.start("publisher", "publisher", Map.of("herald.redis.uri", redis.uri()), dir);
             ServiceProcess gateway = ServiceProcess.start("gateway", "gateway", Map.of("herald.redis.uri", redis.uri(),
                     "herald.http.io-threads", "2", "herald.tls.enabled", "true", "herald.tls.port", "0",
                     "herald.tls.certificate", certs.certificate().toString(), "herald.tls.private-key", certs.privateKey().toString()), dir)) {
            int tlsPort = tlsPort(gateway);
            String h1 = run("HTTP/1.1", redis, publisher, gateway, () -> {
                SseSwarm swarm = new SseSwarm(IntStream.range(0, CONNECTIONS * STREAMS_PER_CONNECTION)
                        .mapToObj(i -> "/v1/stream?topic=" + TOPIC).toList(), gateway.port());
                Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> swarm.streaming() == CONNECTIONS * STREAMS_PER_CONNECTION);
                return new Streams() {
                    @Override
                    public void observe(Recorder latency, AtomicLong delivered) {
                        swarm.onArrival((data, at) -> arrived(data, at, latency, delivered));
                    }

                    @Override
                    public void close() throws Exception {
                        swarm.close();
                    }
                };
            });
            String h2 = run("HTTP/2", redis, publisher, gateway, () -> http2Streams(certs, tlsPort));
            LOG.info("H2BENCH {}", h1);
            LOG.info("H2BENCH {}", h2);
        }
    }

    interface Streams extends AutoCloseable {
        void observe(Recorder latency, AtomicLong delivered);
    }

    interface Opener {
        Streams open() throws Exception;
    }

    private static String run(String label, RedisServer redis, ServiceProcess publisher, ServiceProcess gateway, Opener opener) throws Exception {
        DeliveryCheck check = new DeliveryCheck();
        try (Streams streams = opener.open()) {
            Recorder latency = new Recorder(3);
            AtomicLong delivered = new AtomicLong();
            streams.observe(latency, delivered);
            try (EventPump pump = new EventPump(publisher.port(), List.of(TOPIC), 10, check)) {
                Thread.sleep(3000);
                latency.getIntervalHistogram();
                long delivered0 = delivered.get();
                long cpu0 = cpuMillis(gateway.pid());
                Thread.sleep(MEASURE_MILLIS);
                long cpu = cpuMillis(gateway.pid()) - cpu0;
                long events = delivered.get() - delivered0;
                Histogram h = latency.getIntervalHistogram();
                assertThat(events).isPositive();
                return String.format("%s: %d streams, %.0f deliveries/s, latency p50 %.1f ms p99 %.1f ms max %.1f ms, gateway CPU %.2f µs per delivered event",
                        label, CONNECTIONS * STREAMS_PER_CONNECTION, events * 1000.0 / MEASURE_MILLIS, h.getValueAtPercentile(50) / 1000.0,
                        h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, cpu * 1000.0 / events);
            }
        }
    }

    private static Streams http2Streams(TestCertificates certs, int tlsPort) throws Exception {
        List<LineCounter> all = Collections.synchronizedList(new ArrayList<>());
        List<HttpClient> clients = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(certs.clientContext()).build();
            clients.add(client);
            for (int s = 0; s < STREAMS_PER_CONNECTION; s++) {
                LineCounter counter = new LineCounter();
                all.add(counter);
                client.sendAsync(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + "/v1/stream?topic=" + TOPIC)).build(),
                        HttpResponse.BodyHandlers.fromLineSubscriber(counter));
            }
        }
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> all.stream().allMatch(l -> l.opened));
        return new Streams() {
            @Override
            public void observe(Recorder latency, AtomicLong delivered) {
                all.forEach(l -> l.sink = (data, at) -> arrived(data, at, latency, delivered));
            }

            @Override
            public void close() {
                all.forEach(LineCounter::cancel);
                clients.clear();
            }
        };
    }

    /** Reads one stream's lines as HttpClient delivers them, without a thread of its own. */
    static final class LineCounter implements Flow.Subscriber<String> {
        volatile boolean opened;
        volatile SseSwarm.Arrivals sink = (d, t) -> { };
        private Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith(":")) {
                opened = true;
            } else if (line.startsWith("data: ")) {
                sink.arrived(line.substring(6), System.nanoTime());
            }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }

        void cancel() {
            if (subscription != null) {
                subscription.cancel();
            }
        }
    }

    private static void arrived(String data, long at, Recorder latency, AtomicLong delivered) {
        delivered.incrementAndGet();
        long sent = Long.parseLong(data.substring(data.indexOf('@') + 1));
        latency.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(at - EventPump.EPOCH_NANOS) - sent));
    }

    private static int tlsPort(ServiceProcess gateway) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("and TLS (\\d+)").matcher(gateway.log());
        assertThat(m.find()).as("the gateway logs its TLS port").isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static long cpuMillis(long pid) throws Exception {
        String[] f = Files.readString(Path.of("/proc", String.valueOf(pid), "stat")).split("\\) ")[1].split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }
}
