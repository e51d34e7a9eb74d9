package dev.herald.bench.scenario;

import dev.herald.bench.Clock;
import dev.herald.bench.Options;
import dev.herald.bench.client.SubConn;
import dev.herald.bench.client.SubscriberPool;
import dev.herald.bench.client.Windows;
import dev.herald.bench.proc.Procs;
import dev.herald.bench.pub.Burst;
import dev.herald.bench.report.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * {@code resume}: clients that were away while {@code --missed} (10 000) events were published reconnect
 * with {@code Last-Event-ID}; measured is the time from the reconnect until each has every missed event
 * ("caught up"), and that none was lost or duplicated. Repeated {@code --rounds} times. With two subscribe
 * servers (two Herald gateways) each client resumes on the other one than it left.
 *
 * <p>The latency curve of this scenario is the time from the reconnect to the arrival of each missed event,
 * so its p100 is the catch-up time.
 */
final class ResumeScenario {
    private final Context ctx;

    ResumeScenario(Context ctx) {
        this.ctx = ctx;
    }

    Map<String, Object> run() throws Exception {
        Options o = ctx.options;
        int missed = o.integer("missed", 10_000);
        int rounds = o.integer("rounds", 3);
        // One unmeasured round per subscribe server, so each gateway's replay path is warm (JIT) when measured.
        int warmupRounds = o.integer("warmup-rounds", ctx.target.subscribeAddresses().size());
        int clients = o.integer("clients", 1);
        int dataSize = o.integer("size", 64);
        int batch = o.integer("batch", 1000);
        long timeoutMillis = o.longValue("catch-up-timeout-ms", 120_000);
        String topic = o.str("topic-prefix", "bench-resume-" + Long.toString(System.currentTimeMillis(), 36));
        Clock.log("%s %d client(s), %d missed events, %d rounds", ctx.tag(), clients, missed, rounds);

        Windows windows = new Windows();
        SubscriberPool pool = new SubscriberPool(ctx.target, ctx.ioThreads, windows, true, 200, 4096);
        Map<String, Object> result = ctx.newResult();
        try (Progress progress = new Progress(ctx.tag(), pool, null)) {
            List<SubConn> conns = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                conns.add(pool.add(topic, false));
            }
            progress.phase("connect");
            pool.open(conns, 1000, 200, 30_000, ctx.tag());
            long seq = 0;
            Histogram catchUp = new Histogram(3);
            Histogram firstEvent = new Histogram(3);
            List<Map<String, Object>> roundResults = new ArrayList<>();
            double cpuServer = 0;
            List<Map<String, Object>> cpuRounds = new ArrayList<>();
            long replayedTotal = 0;
            for (int rr = -warmupRounds; rr < rounds; rr++) {
                boolean warm = rr < 0;
                int r = rr;
                progress.phase(warm ? "warm-up" : "round" + (r + 1));
                // One event every client sees, so each has an ID to resume from.
                Burst.publish(ctx.target, topic, seq, 1, dataSize, 1);
                long marker = seq;
                seq++;
                waitForSeq(conns, marker, 10_000);
                pool.close(conns);
                long t0 = System.nanoTime();
                long acked = Burst.publish(ctx.target, topic, seq, missed, dataSize, batch);
                double publishSeconds = (System.nanoTime() - t0) / 1e9;
                long target = seq + missed - 1;
                seq += missed;
                Clock.log("%s round %s: published %d missed events in %.2f s (%d confirmed); reconnecting", ctx.tag(), warm ? "warm-up" : String.valueOf(r + 1), missed,
                        publishSeconds, acked);
                if (ctx.target.subscribeAddresses().size() > 1) {
                    for (SubConn c : conns) {
                        int next = (ctx.target.subscribeAddresses().indexOf(c.server()) + 1) % ctx.target.subscribeAddresses().size();
                        pool.moveTo(c, ctx.target.subscribeAddresses().get(next));
                    }
                }
                for (SubConn c : conns) {
                    pool.expectCatchUp(c, target);
                }
                if (warm) {
                    pool.open(conns, 5000, 1000, 30_000, ctx.tag() + " warm-up resume", true);
                    long wd = System.nanoTime() + timeoutMillis * 1_000_000L;
                    while (System.nanoTime() < wd && !allCaughtUp(conns)) {
                        Clock.sleepMillis(5);
                    }
                    pool.resetCatchUp();
                    Clock.log("%s warm-up round done (not measured)", ctx.tag());
                    continue;
                }
                Procs.Sample s0 = ctx.procs.sample();
                pool.open(conns, 5000, 1000, 30_000, ctx.tag() + " resume", true);
                long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
                while (System.nanoTime() < deadline && !allCaughtUp(conns)) {
                    Clock.sleepMillis(5);
                }
                Procs.Sample s1 = ctx.procs.sample();
                long caughtUp = 0;
                long maxMicros = 0;
                for (SubConn c : conns) {
                    if (c.caughtUpMicros() > 0) {
                        long us = c.caughtUpMicros() - c.reconnectStartMicros();
                        catchUp.recordValue(us);
                        maxMicros = Math.max(maxMicros, us);
                        caughtUp++;
                    }
                    if (c.firstEventAfterReconnectMicros() > 0) {
                        firstEvent.recordValue(c.firstEventAfterReconnectMicros() - c.reconnectStartMicros());
                    }
                }
                replayedTotal += (long) missed * caughtUp;
                Map<String, Object> cpu = ctx.cpu(s0, s1, (long) missed * clients);
                cpuRounds.add(cpu);
                cpuServer += ((Number) cpu.get("serverSeconds")).doubleValue();
                Map<String, Object> roundResult = new LinkedHashMap<>();
                roundResult.put("round", r + 1);
                roundResult.put("publishSeconds", Context.round3(publishSeconds));
                roundResult.put("clientsCaughtUp", caughtUp);
                roundResult.put("slowestCatchUpSeconds", Context.round3(maxMicros / 1e6));
                roundResult.put("eventsPerSecondPerClient", maxMicros > 0 ? Context.round3(missed / (maxMicros / 1e6)) : null);
                roundResults.add(roundResult);
                Clock.log("%s round %d: %d/%d clients caught up, slowest after %.3f s", ctx.tag(), r + 1, caughtUp, clients, maxMicros / 1e6);
            }
            progress.stop();
            long last = seq - 1;
            long lost = 0;
            long dup = 0;
            for (long[] part : pool.onEachThread(t -> {
                long l = 0;
                long d = 0;
                for (SubConn c : conns) {
                    if (pool.isOwnedBy(c, t)) {
                        long m = c.missingUpTo(last);
                        l += m < 0 ? last + 1 : m;
                        d += c.duplicated();
                    }
                }
                return new long[] {l, d};
            })) {
                lost += part[0];
                dup += part[1];
            }
            Histogram perEvent = pool.catchUpHistogram();
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("clients", clients);
            params.put("missed", missed);
            params.put("rounds", rounds);
            params.put("warmupRounds", warmupRounds);
            params.put("dataBytes", dataSize);
            params.put("publishBatch", ctx.target.hasBatchApi() ? batch : 1);
            params.put("subscribeServers", ctx.target.subscribeAddresses().size());
            result.put("params", params);
            result.put("rounds", roundResults);
            result.put("catchUpLatency", Stats.latency(catchUp));
            result.put("firstEventAfterReconnect", Stats.latency(firstEvent));
            Map<String, Object> phase = new LinkedHashMap<>();
            phase.put("name", "replay");
            phase.put("latency", Stats.latency(perEvent));
            phase.put("note", "time from reconnect to the arrival of each missed event");
            result.put("phases", List.of(phase));
            result.put("cpuByRound", cpuRounds);
            Map<String, Object> loss = new LinkedHashMap<>();
            loss.put("lost", lost);
            loss.put("duplicated", dup);
            result.put("loss", loss);
            Map<String, Object> summary = new LinkedHashMap<>();
            double catchUpSeconds = catchUp.getTotalCount() > 0 ? catchUp.getMean() / 1e6 : 0;
            summary.put("offeredRate", null);
            summary.put("deliveredRate", catchUpSeconds > 0 ? Context.round3(missed * clients / catchUpSeconds) : null);
            summary.put("latency", LiveScenario.strip(Stats.latency(perEvent)));
            summary.put("catchUpSecondsP50", Context.round3(catchUp.getValueAtPercentile(50) / 1e6));
            summary.put("catchUpSecondsMax", Context.round3(catchUp.getMaxValue() / 1e6));
            summary.put("firstEventMillisP50", Context.round3(firstEvent.getValueAtPercentile(50) / 1e3));
            summary.put("lost", lost);
            summary.put("duplicated", dup);
            summary.put("cpuMicrosPerEvent", replayedTotal > 0 ? Context.round3(cpuServer * 1e6 / replayedTotal) : null);
            summary.put("connections", clients);
            result.put("summary", summary);
        } finally {
            pool.close();
        }
        return result;
    }

    private static boolean allCaughtUp(List<SubConn> conns) {
        for (SubConn c : conns) {
            if (c.caughtUpMicros() == 0) {
                return false;
            }
        }
        return true;
    }

    private void waitForSeq(List<SubConn> conns, long seq, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (SubConn c : conns) {
                if (c.lastSeq() < seq) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return;
            }
            Clock.sleepMillis(5);
        }
        Clock.log("%s not every client got event %d within %d ms", ctx.tag(), seq, timeoutMillis);
    }
}
