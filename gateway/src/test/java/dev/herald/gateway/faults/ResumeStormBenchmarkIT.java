package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.gateway.testing.SseSwarm;
import dev.herald.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storm benchmark (not part of CI: {@code mvn verify -Dit.test=ResumeStormBenchmarkIT -Dherald.bench.storm=true}):
 * 5000 clients on gateway A and 1000 on gateway B, events flowing; A is killed. Reports B's existing
 * clients' latency p99 before and during the storm, the time until all 5000 are caught up, B's peak
 * resident memory and Redis CPU during the storm; checks nothing was lost or duplicated.
 */
class ResumeStormBenchmarkIT {
    private static final Logger LOG = LoggerFactory.getLogger(ResumeStormBenchmarkIT.class);
    private static final int ON_A = Integer.getInteger("herald.bench.storm.a", 5000);
    private static final int ON_B = Integer.getInteger("herald.bench.storm.b", 1000);
    private static final List<String> TOPICS = IntStream.range(0, 50).mapToObj(i -> "bench-storm-" + i).toList();

    @Test
    void aSurvivorAbsorbsADeadGatewaysClientsWhileItsOwnStayFast() throws Exception {
        assumeTrue(Boolean.getBoolean("herald.bench.storm"), "a benchmark: run with -Dherald.bench.storm=true");
        DeliveryCheck check = new DeliveryCheck();
        try (ProcessCluster cluster = ProcessCluster.start("storm-bench", RedisServer.Options.defaults(), 2, Map.of("herald.http.io-threads", "2"))) {
            RedisServer redis = cluster.redis();
            ServiceProcess publisher = cluster.publisher();
            ServiceProcess a = cluster.gateway(0);
            ServiceProcess b = cluster.gateway(1);
            try (SseSwarm onA = new SseSwarm(paths(ON_A), a.port(), b.port());
                 SseSwarm onB = new SseSwarm(paths(ON_B), b.port())) {
                Awaitility.await().atMost(Duration.ofMinutes(3)).until(() -> onA.streaming() == ON_A && onB.streaming() == ON_B);
                Recorder latency = new Recorder(3);
                onB.onArrival((data, at) -> {
                    long sent = Long.parseLong(data.substring(data.indexOf('@') + 1));
                    latency.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(at - EventPump.EPOCH_NANOS) - sent));
                });
                Histogram before;
                Histogram during;
                long caughtUpMillis;
                long redisCpuMillis;
                try (EventPump pump = new EventPump(publisher.port(), TOPICS, 5, check)) {
                    Thread.sleep(3000);
                    latency.getIntervalHistogram();
                    Thread.sleep(10_000);
                    before = latency.getIntervalHistogram();
                    long redisCpu0 = cpuMillis(redis.pid());
                    long t0 = System.nanoTime();
                    a.kill();
                    Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
                        for (int i = 0; i < ON_A; i++) {
                            if (onA.clients().get(i).connects() < 2 || check.lost(TOPICS.get(i % TOPICS.size()), onA.clients().get(i).data()) > 0) {
                                return false;
                            }
                        }
                        return true;
                    });
                    caughtUpMillis = (System.nanoTime() - t0) / 1_000_000;
                    during = latency.getIntervalHistogram();
                    redisCpuMillis = cpuMillis(redis.pid()) - redisCpu0;
                }
                int lost = 0;
                int duplicated = 0;
                for (SseSwarm swarm : List.of(onA, onB)) {
                    for (int i = 0; i < swarm.clients().size(); i++) {
                        List<String> got = swarm.clients().get(i).data();
                        lost += check.lost(TOPICS.get(i % TOPICS.size()), got);
                        duplicated += DeliveryCheck.duplicated(got);
                    }
                }
                LOG.info("STORM {} on A + {} on B, {} events acknowledged: B's own clients p50/p99/max before {}/{}/{} ms, during {}/{}/{} ms; "
                                + "all {} caught up {} ms after the kill; B peak RSS {} MiB; Redis CPU during the storm {} ms; "
                                + "history page reads {} (shared {}); lost {}, duplicated {}",
                        ON_A, ON_B, check.acknowledgedCount(),
                        ms(before.getValueAtPercentile(50)), ms(before.getValueAtPercentile(99)), ms(before.getMaxValue()),
                        ms(during.getValueAtPercentile(50)), ms(during.getValueAtPercentile(99)), ms(during.getMaxValue()),
                        ON_A, caughtUpMillis, peakRssMib(b.pid()), redisCpuMillis,
                        (long) b.metric("herald_gateway_replay_pages_total\\{[^}]*source=\"redis\""),
                        (long) b.metric("herald_gateway_replay_pages_total\\{[^}]*source=\"shared\""), lost, duplicated);
                assertThat(lost).isZero();
                assertThat(duplicated).isZero();
            }
        }
    }

    private static List<String> paths(int n) {
        return IntStream.range(0, n).mapToObj(i -> "/v1/stream?topic=" + TOPICS.get(i % TOPICS.size())).toList();
    }


    private static String ms(long micros) {
        return String.format("%.1f", micros / 1000.0);
    }

    private static long cpuMillis(long pid) throws Exception {
        String[] f = Files.readString(Path.of("/proc", String.valueOf(pid), "stat")).split("\\) ")[1].split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime + stime, in 10 ms ticks
    }

    private static long peakRssMib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
