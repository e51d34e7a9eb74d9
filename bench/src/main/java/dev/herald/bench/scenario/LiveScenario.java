package dev.herald.bench.scenario;

import dev.herald.bench.Clock;
import dev.herald.bench.Options;
import dev.herald.bench.client.SubConn;
import dev.herald.bench.client.SubscriberPool;
import dev.herald.bench.client.Windows;
import dev.herald.bench.proc.Procs;
import dev.herald.bench.proc.ServerProbe;
import dev.herald.bench.pub.LoadPublisher;
import dev.herald.bench.report.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The live fan-out scenarios: N subscribers on T topics, a paced publisher, warm-up, then one measured
 * window (two for {@code slow}: without and with the stalled clients), then a drain and the loss check.
 *
 * <ul>
 *   <li>{@code fanout}: 1000 connections, one topic, 100 events/s.</li>
 *   <li>{@code incident}: 1000 connections, one topic, 500 events/s.</li>
 *   <li>{@code wide}: 10 000 connections, one topic, 10 events/s.</li>
 *   <li>{@code slow}: 1000 connections, 1 KB events at 100/s; window "without" has the 900 healthy ones only,
 *       then 10% stalled ones connect (small SO_RCVBUF, never read) and window "with" measures the healthy
 *       ones again, while the server's sheds are polled to time how fast the stalled ones are dropped.</li>
 *   <li>{@code scale}: as many idle connections as the fd limits allow (1 event/s), for memory per connection.</li>
 * </ul>
 */
final class LiveScenario {
    private final Context ctx;
    private final int connections;
    private final double stalledFraction;
    private final int topicCount;
    private final double rate;
    private final int dataSize;
    private final boolean twoPhases;

    LiveScenario(Context ctx) {
        this.ctx = ctx;
        Options o = ctx.options;
        int defConns;
        double defRate;
        int defSize = 64;
        double defStalled = 0;
        switch (ctx.scenario) {
            case "incident": defConns = 1000; defRate = 500; break;
            case "wide": defConns = 10_000; defRate = 10; break;
            case "slow": defConns = 1000; defRate = 100; defSize = 1024; defStalled = 0.1; break;
            case "scale": defConns = -1; defRate = 1; break;
            default: defConns = 1000; defRate = 100; break;
        }
        String conns = o.str("connections", String.valueOf(defConns));
        this.connections = conns.equals("auto") || conns.equals("-1") ? autoConnections() : Integer.parseInt(conns);
        this.rate = o.dbl("rate", defRate);
        this.dataSize = o.integer("size", defSize);
        this.stalledFraction = o.dbl("stalled", defStalled);
        this.topicCount = o.integer("topics", 1);
        this.twoPhases = ctx.scenario.equals("slow") && stalledFraction > 0;
    }

    /** For scale: what the smaller of our and the servers' open-file limits allows, less a margin. */
    private int autoConnections() {
        long own = Procs.openFilesLimit(ProcessHandle.current().pid());
        long limit = own;
        for (Procs.Watched w : ctx.procs.watched()) {
            if (w.server() && !w.name().startsWith("redis")) {
                long l = Procs.openFilesLimit(w.pid());
                if (l > 0) {
                    limit = Math.min(limit, l * ctx.target.subscribeAddresses().size());
                }
            }
        }
        int margin = ctx.options.integer("fd-margin", 600);
        int n = (int) Math.max(100, Math.min(limit, own) - margin);
        Clock.log("%s open-files limits: generator %d, server %d -> %d connections", ctx.tag(), own, limit, n);
        return n;
    }

    Map<String, Object> run() throws Exception {
        Options o = ctx.options;
        int stalled = (int) Math.round(connections * stalledFraction);
        int healthy = connections - stalled;
        List<String> topics = new ArrayList<>();
        String prefix = o.str("topic-prefix", "bench-" + ctx.scenario + "-" + Long.toString(System.currentTimeMillis(), 36));
        for (int i = 0; i < topicCount; i++) {
            topics.add(topicCount == 1 ? prefix : prefix + "-" + i);
        }
        Clock.log("%s %d connections (%d stalled) on %d topic(s), %.0f events/s per topic, %d-byte data, warm-up %ds, measure %ds",
                ctx.tag(), connections, stalled, topicCount, rate, dataSize, ctx.warmup.toSeconds(), ctx.duration.toSeconds());

        Windows windows = new Windows();
        Map<String, Long> heapBaseline = liveHeap();
        Procs.Sample baseline = ctx.procs.sample();
        ServerProbe.Reading probeBase = ctx.probe.read();
        SubscriberPool pool = new SubscriberPool(ctx.target, ctx.ioThreads, windows, !o.flag("no-reconnect"),
                o.integer("reconnect-delay-ms", 200), o.integer("stalled-rcvbuf", 4096));
        LoadPublisher publisher = new LoadPublisher(ctx.target, topics, rate, dataSize, 1, o.integer("pub-connections", 16),
                o.integer("max-inflight", 1));
        Map<String, Object> result = ctx.newResult();
        try (Progress progress = new Progress(ctx.tag(), pool, publisher)) {
            List<SubConn> healthyConns = new ArrayList<>();
            List<SubConn> stalledConns = new ArrayList<>();
            for (int i = 0; i < healthy; i++) {
                healthyConns.add(pool.add(topics.get(i % topicCount), false));
            }
            for (int i = 0; i < stalled; i++) {
                stalledConns.add(pool.add(topics.get(i % topicCount), true));
            }
            double connectRate = o.dbl("connect-rate", 3000);
            int maxConnecting = o.integer("max-connecting", 200);
            long connectTimeout = o.longValue("connect-timeout-ms", 120_000);
            progress.phase("connect");
            pool.open(healthyConns, connectRate, maxConnecting, connectTimeout, ctx.tag());
            if (!twoPhases && !stalledConns.isEmpty()) {
                pool.open(stalledConns, connectRate, maxConnecting, connectTimeout, ctx.tag() + " stalled");
            }
            Procs.Sample connected = ctx.procs.sample();
            Map<String, Long> heapConnected = liveHeap();
            publisher.start();
            progress.phase("warm-up");
            Thread.sleep(ctx.warmup.toMillis());

            List<Map<String, Object>> phases = new ArrayList<>();
            List<String> names = twoPhases ? List.of("without-stalled", "with-stalled") : List.of("measure");
            Map<String, Object> shed = null;
            Procs.Sample end = null;
            for (String name : names) {
                ShedWatch watch = null;
                if (name.equals("with-stalled")) {
                    progress.phase("stall");
                    ServerProbe.Reading before = ctx.probe.read();
                    long stallStart = System.nanoTime();
                    pool.open(stalledConns, connectRate, maxConnecting, connectTimeout, ctx.tag() + " stalled");
                    watch = new ShedWatch(ctx.probe, before, stalledConns.size(), stallStart,
                            o.duration("shed-timeout", java.time.Duration.ofSeconds(75)).toNanos());
                }
                progress.phase(name.equals("measure") ? "measure" : name.replace("-stalled", ""));
                long sent0 = publisher.ackedEvents();
                Procs.Sample s0 = ctx.procs.sample();
                int w = windows.open(name, Clock.nowMicros(), ctx.duration.toNanos() / 1000);
                Thread.sleep(ctx.duration.toMillis());
                Procs.Sample s1 = ctx.procs.sample();
                end = s1;
                long sent1 = publisher.ackedEvents();
                Map<String, Object> ph = new LinkedHashMap<>();
                ph.put("name", name);
                ph.put("window", w);
                ph.put("seconds", ctx.duration.toMillis() / 1000.0);
                double publishRate = (sent1 - sent0) / (ctx.duration.toNanos() / 1e9);
                ph.put("publishRate", Context.round3(publishRate));
                ph.put("offeredDeliveryRate", Context.round3(publishRate / topicCount * healthy));
                ph.put("_s0", s0);
                ph.put("_s1", s1);
                phases.add(ph);
                if (watch != null) {
                    shed = watch.finish();
                }
            }
            progress.phase("drain");
            publisher.stop(10_000);
            drain(pool, healthyConns, publisher, topics);
            progress.stop();

            // Results
            long totalDelivered = 0;
            Map<String, Object> main = null;
            for (Map<String, Object> ph : phases) {
                int w = (Integer) ph.remove("window");
                Histogram h = pool.windowHistogram(w);
                Procs.Sample s0 = (Procs.Sample) ph.remove("_s0");
                Procs.Sample s1 = (Procs.Sample) ph.remove("_s1");
                ph.put("deliveredRate", Context.round3(h.getTotalCount() / windows.seconds(w)));
                ph.put("latency", Stats.latency(h));
                ph.put("cpu", ctx.cpu(s0, s1, h.getTotalCount()));
                totalDelivered += h.getTotalCount();
                main = ph;
            }
            result.put("params", params(healthy, stalled, topics));
            result.put("phases", phases);
            Map<String, Object> loss = loss(pool, healthyConns, publisher, topics);
            result.put("connections", connectionsInfo(pool, healthyConns, stalledConns));
            result.put("loss", loss);
            Map<String, Object> memory = memory(baseline, connected, end, connections);
            long heapDelta = 0;
            boolean anyHeap = false;
            for (Map.Entry<String, Long> e : heapConnected.entrySet()) {
                Long before = heapBaseline.get(e.getKey());
                if (before != null && before >= 0 && e.getValue() >= 0) {
                    heapDelta += e.getValue() - before;
                    anyHeap = true;
                }
            }
            if (anyHeap) {
                memory.put("jvmLiveHeapKiBBaseline", heapBaseline);
                memory.put("jvmLiveHeapKiBConnected", heapConnected);
                memory.put("jvmLiveHeapKiBPerConnection", Context.round3((double) heapDelta / connections));
            }
            result.put("memory", memory);
            result.put("publisher", publisherInfo(publisher));
            if (shed != null) {
                result.put("shed", shed);
            }
            ServerProbe.Reading probeEnd = ctx.probe.read();
            result.put("serverReport", Map.of("connectionsAtStart", probeBase.connections(), "connectionsAtEnd", probeEnd.connections(),
                    "shedsTotal", probeEnd.sheds()));
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("offeredRate", main.get("offeredDeliveryRate"));
            summary.put("deliveredRate", main.get("deliveredRate"));
            summary.put("publishRate", main.get("publishRate"));
            summary.put("latency", strip((Map<?, ?>) main.get("latency")));
            summary.put("lost", loss.get("lost"));
            summary.put("duplicated", loss.get("duplicated"));
            summary.put("connectionsWithLoss", loss.get("connectionsWithLoss"));
            summary.put("cpuMicrosPerEvent", ((Map<?, ?>) main.get("cpu")).get("serverMicrosPerEvent"));
            summary.put("serverCoresUsed", ((Map<?, ?>) main.get("cpu")).get("serverCoresUsed"));
            summary.put("generatorCoresUsed", ((Map<?, ?>) main.get("cpu")).get("generatorCoresUsed"));
            summary.put("rssKiBPerConnection", ((Map<?, ?>) result.get("memory")).get(
                    ctx.scenario.equals("scale") ? "serverKiBPerConnectionIdle" : "serverKiBPerConnection"));
            summary.put("jvmLiveHeapKiBPerConnection", ((Map<?, ?>) result.get("memory")).get("jvmLiveHeapKiBPerConnection"));
            summary.put("connections", pool.established());
            if (twoPhases) {
                summary.put("healthyP99WithoutStalledMicros", ((Map<?, ?>) phases.get(0).get("latency")).get("p99Micros"));
                summary.put("healthyP99WithStalledMicros", ((Map<?, ?>) phases.get(1).get("latency")).get("p99Micros"));
                if (shed != null) {
                    summary.put("allStalledShedAfterSeconds", shed.get("allShedAfterSeconds"));
                }
            }
            result.put("summary", summary);
            Clock.log("%s delivered %d events in the measured window(s); lost %s, duplicated %s", ctx.tag(), totalDelivered,
                    loss.get("lost"), loss.get("duplicated"));
        } finally {
            publisher.close();
            pool.close();
        }
        return result;
    }

    /** Live heap after a full GC of each watched server JVM (nothing for other processes). */
    private Map<String, Long> liveHeap() {
        Map<String, Long> m = new LinkedHashMap<>();
        if (ctx.options.flag("no-heap-probe")) {
            return m;
        }
        for (Procs.Watched w : ctx.procs.watched()) {
            if (w.server()) {
                long kib = Procs.jvmLiveHeapKiB(w.pid());
                if (kib >= 0) {
                    m.put(w.name(), kib);
                }
            }
        }
        return m;
    }

    static Map<String, Object> strip(Map<?, ?> latency) {
        Map<String, Object> m = new LinkedHashMap<>();
        latency.forEach((k, v) -> {
            if (!k.equals("curve")) {
                m.put((String) k, v);
            }
        });
        return m;
    }

    private Map<String, Object> params(int healthy, int stalled, List<String> topics) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("connections", connections);
        p.put("healthy", healthy);
        p.put("stalled", stalled);
        p.put("topics", topics.size());
        p.put("ratePerTopic", rate);
        p.put("dataBytes", dataSize);
        p.put("warmupSeconds", ctx.warmup.toMillis() / 1000.0);
        p.put("durationSeconds", ctx.duration.toMillis() / 1000.0);
        p.put("ioThreads", ctx.ioThreads);
        p.put("subscribeServers", ctx.target.subscribeAddresses().size());
        return p;
    }

    /** Waits until every healthy connection has the last confirmed event of its topic, or the drain time. */
    private void drain(SubscriberPool pool, List<SubConn> healthy, LoadPublisher publisher, List<String> topics) {
        long deadline = System.nanoTime() + ctx.drain.toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (SubConn c : healthy) {
                long want = publisher.ackedSeq(topics.indexOf(c.topic()));
                if (c.lastSeq() < want) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return;
            }
            Clock.sleepMillis(20);
        }
        Clock.log("%s drain: not every connection had every event after %d s", ctx.tag(), ctx.drain.toSeconds());
    }

    private Map<String, Object> loss(SubscriberPool pool, List<SubConn> healthy, LoadPublisher publisher, List<String> topics) {
        List<long[]> parts = pool.onEachThread(t -> {
            long lost = 0;
            long dup = 0;
            long withLoss = 0;
            long withDup = 0;
            long maxLost = 0;
            long maxDup = 0;
            long silent = 0;
            long resets = 0;
            long reordered = 0;
            for (SubConn c : healthy) {
                if (!pool.isOwnedBy(c, t)) {
                    continue;
                }
                long want = publisher.ackedSeq(topics.indexOf(c.topic()));
                long l = c.missingUpTo(want);
                if (l < 0) {
                    silent++;
                    l = want + 1; // received nothing at all
                }
                reordered += c.reordered();
                lost += l;
                dup += c.duplicated();
                withLoss += l > 0 ? 1 : 0;
                withDup += c.duplicated() > 0 ? 1 : 0;
                maxLost = Math.max(maxLost, l);
                maxDup = Math.max(maxDup, c.duplicated());
                resets += c.resets();
            }
            return new long[] {lost, dup, withLoss, withDup, maxLost, maxDup, silent, resets, reordered};
        });
        long[] sum = new long[9];
        for (long[] p : parts) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] = (i == 4 || i == 5) ? Math.max(sum[i], p[i]) : sum[i] + p[i];
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lost", sum[0]);
        m.put("duplicated", sum[1]);
        m.put("connectionsWithLoss", sum[2]);
        m.put("connectionsWithDuplicates", sum[3]);
        m.put("maxLostPerConnection", sum[4]);
        m.put("maxDuplicatedPerConnection", sum[5]);
        m.put("silentConnections", sum[6]);
        m.put("resetsReceived", sum[7]);
        m.put("reorderedEvents", sum[8]);
        m.put("note", "healthy connections only; counted from each connection's first event to the last event the publisher had "
                + "confirmed; reordered = events that arrived after a later one of their topic (the publisher sends a topic on "
                + "several connections at once, so the server may append them in a different order)");
        return m;
    }

    private Map<String, Object> connectionsInfo(SubscriberPool pool, List<SubConn> healthy, List<SubConn> stalled) {
        long reconnects = 0;
        long closes = 0;
        long failures = 0;
        for (SubConn c : pool.connections()) {
            reconnects += c.reconnects();
            closes += c.serverCloses();
            failures += c.connectFailures();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requested", connections);
        m.put("healthy", healthy.size());
        m.put("stalled", stalled.size());
        m.put("establishedAtEnd", pool.established());
        m.put("connectFailures", failures);
        m.put("closedByServer", closes);
        m.put("reconnects", reconnects);
        return m;
    }

    private Map<String, Object> memory(Procs.Sample baseline, Procs.Sample connected, Procs.Sample end, int conns) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("baselineKiB", baseline.rssKiB());
        m.put("connectedKiB", connected.rssKiB());
        m.put("endKiB", end.rssKiB());
        long serverBase = 0;
        long serverEnd = 0;
        long serverConnected = 0;
        for (Procs.Watched w : ctx.procs.watched()) {
            if (w.server() && !w.name().startsWith("redis")) {
                serverBase += baseline.rssKiB().getOrDefault(w.name(), 0L);
                serverConnected += connected.rssKiB().getOrDefault(w.name(), 0L);
                serverEnd += end.rssKiB().getOrDefault(w.name(), 0L);
            }
        }
        m.put("serverKiBAtEnd", serverEnd);
        m.put("serverKiBPerConnection", conns > 0 ? Context.round3((double) (serverEnd - serverBase) / conns) : null);
        m.put("serverKiBPerConnectionIdle", conns > 0 ? Context.round3((double) (serverConnected - serverBase) / conns) : null);
        m.put("generatorKiB", end.rssKiB().get("generator"));
        m.put("note", "server = the watched server processes other than redis (gateway JVM, or nginx master+workers); per connection = "
                + "(RSS at the end of the measured window - RSS before connecting) / connections, so a JVM's heap growth counts too; "
                + "'Idle' is measured right after connecting, before publishing");
        return m;
    }

    static Map<String, Object> publisherInfo(LoadPublisher p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sentEvents", p.sentEvents());
        m.put("ackedEvents", p.ackedEvents());
        m.put("failedEvents", p.failedEvents());
        m.put("maxScheduleLagMillis", Context.round3(p.maxLagMillis()));
        m.put("lastError", p.lastError());
        return m;
    }

    /** Polls the server while stalled clients are connected, to time how fast they are shed. */
    static final class ShedWatch {
        private final ServerProbe probe;
        private final ServerProbe.Reading before;
        private final int stalled;
        private final long startNanos;
        private final long timeoutNanos;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile double firstShedAfter = -1;
        private volatile double allShedAfter = -1;
        private volatile long maxShed;

        ShedWatch(ServerProbe probe, ServerProbe.Reading before, int stalled, long startNanos, long timeoutNanos) {
            this.probe = probe;
            this.timeoutNanos = timeoutNanos;
            this.before = before;
            this.stalled = stalled;
            this.startNanos = startNanos;
            this.thread = new Thread(this::poll, "bench-shed-watch");
            thread.setDaemon(true);
            thread.start();
        }

        private void poll() {
            long peakConnections = -1;
            while (running && !probe.isEmpty()) {
                ServerProbe.Reading r = probe.read();
                double t = (System.nanoTime() - startNanos) / 1e9;
                long shed;
                if (r.sheds() >= 0 && before.sheds() >= 0) {
                    shed = r.sheds() - before.sheds();
                } else if (r.connections() >= 0) {
                    // no shed counter (Nchan): stalled connections the server dropped, from the open count's peak
                    peakConnections = Math.max(peakConnections, r.connections());
                    shed = peakConnections - r.connections();
                } else {
                    shed = 0;
                }
                maxShed = Math.max(maxShed, shed);
                if (shed > 0 && firstShedAfter < 0) {
                    firstShedAfter = t;
                }
                if (shed >= stalled && allShedAfter < 0) {
                    allShedAfter = t;
                }
                Clock.sleepMillis(200);
            }
        }

        /** Stops watching once every stalled client is shed, or {@code --shed-timeout} after they connected. */
        Map<String, Object> finish() {
            while (allShedAfter < 0 && System.nanoTime() - startNanos < timeoutNanos && !probe.isEmpty()) {
                Clock.sleepMillis(100);
            }
            running = false;
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stalledConnections", stalled);
            m.put("shedByServer", maxShed);
            m.put("firstShedAfterSeconds", firstShedAfter < 0 ? null : Context.round3(firstShedAfter));
            m.put("allShedAfterSeconds", allShedAfter < 0 ? null : Context.round3(allShedAfter));
            m.put("watchedSeconds", Context.round3(Math.max(timeoutNanos, System.nanoTime() - startNanos) / 1e9));
            m.put("note", "seconds from when the stalled clients started connecting; from the server's own counters "
                    + "(Herald: herald_gateway_sheds_total; Nchan: drop of nchan_stub_status subscribers), polled every 200 ms");
            return m;
        }
    }
}
