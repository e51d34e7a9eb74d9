package dev.herald.bench.scenario;

import dev.herald.bench.Clock;
import dev.herald.bench.Options;
import dev.herald.bench.proc.Procs;
import dev.herald.bench.pub.LoadPublisher;
import dev.herald.bench.pub.RedisCeiling;
import dev.herald.bench.report.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * {@code publish}: how many events the server accepts, closed-loop: {@code --pub-connections} (32)
 * keep-alive connections each with {@code --depth} (1) requests outstanding (more is HTTP pipelining, which
 * few clients use, and which costs Herald's publisher (Undertow) about 4x the CPU per request), over
 * {@code --topics} (16) topics and no subscribers. Phase "single": one event per request. Phase "batch"
 * (Herald only): {@code --batch} (100) events per {@code POST /v1/events}. Then, given {@code --redis}, the
 * same writes straight to Redis in batches of the same size ({@link RedisCeiling}): the ceiling batched
 * publishing is measured against. The latency is the request round trip.
 */
final class PublishScenario {
    private final Context ctx;

    PublishScenario(Context ctx) {
        this.ctx = ctx;
    }

    Map<String, Object> run() throws Exception {
        Options o = ctx.options;
        int topicsCount = o.integer("topics", 16);
        int pipes = o.integer("pub-connections", 32);
        int depth = o.integer("depth", 1);
        int batch = o.integer("batch", 100);
        int dataSize = o.integer("size", 64);
        String prefix = o.str("topic-prefix", "bench-publish-" + Long.toString(System.currentTimeMillis(), 36));
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < topicsCount; i++) {
            topics.add(prefix + "-" + i);
        }
        Map<String, Object> result = ctx.newResult();
        List<Map<String, Object>> phases = new ArrayList<>();
        List<Integer> batches = new ArrayList<>(List.of(1));
        if (ctx.target.hasBatchApi() && batch > 1) {
            batches.add(batch);
        }
        for (int b : batches) {
            String name = b == 1 ? "single" : "batch";
            Clock.log("%s phase %s: %d connections x %d in flight, %d event(s) per request, %d topics", ctx.tag(), name, pipes, depth,
                    b, topicsCount);
            LoadPublisher pub = new LoadPublisher(ctx.target, topics, 0, dataSize, b, pipes, depth);
            try (Progress progress = new Progress(ctx.tag(), null, pub)) {
                progress.phase(name + "-warm");
                pub.start();
                Thread.sleep(ctx.warmup.toMillis());
                progress.phase(name);
                pub.requestLatencyInterval(); // reset
                long events0 = pub.ackedEvents();
                long req0 = pub.ackedRequests();
                Procs.Sample s0 = ctx.procs.sample();
                Thread.sleep(ctx.duration.toMillis());
                Procs.Sample s1 = ctx.procs.sample();
                long events1 = pub.ackedEvents();
                long req1 = pub.ackedRequests();
                Histogram h = pub.requestLatencyInterval();
                pub.stop(10_000);
                double secs = (s1.nanos() - s0.nanos()) / 1e9;
                Map<String, Object> ph = new LinkedHashMap<>();
                ph.put("name", name);
                ph.put("eventsPerRequest", b);
                ph.put("requestsPerSecond", Context.round3((req1 - req0) / secs));
                ph.put("eventsPerSecond", Context.round3((events1 - events0) / secs));
                ph.put("failedEvents", pub.failedEvents());
                ph.put("latency", Stats.latency(h));
                ph.put("cpu", ctx.cpu(s0, s1, events1 - events0));
                ph.put("lastError", pub.lastError());
                phases.add(ph);
                Clock.log("%s phase %s: %.0f requests/s, %.0f events/s", ctx.tag(), name, (req1 - req0) / secs, (events1 - events0) / secs);
            } finally {
                pub.close();
            }
        }
        String redisUri = o.str("redis", null);
        Double ceiling = redisUri != null && batches.size() > 1 ? redisCeiling(redisUri, topics, batch, dataSize, pipes) : null;
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("connections", pipes);
        params.put("depth", depth);
        params.put("topics", topicsCount);
        params.put("batch", batch);
        params.put("dataBytes", dataSize);
        params.put("warmupSeconds", ctx.warmup.toMillis() / 1000.0);
        params.put("durationSeconds", ctx.duration.toMillis() / 1000.0);
        result.put("params", params);
        result.put("phases", phases);
        Map<String, Object> single = phases.get(0);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("offeredRate", null);
        summary.put("deliveredRate", single.get("eventsPerSecond"));
        summary.put("singleRequestsPerSecond", single.get("requestsPerSecond"));
        summary.put("batchEventsPerSecond", phases.size() > 1 ? phases.get(1).get("eventsPerSecond") : null);
        summary.put("redisCeilingEventsPerSecond", ceiling);
        summary.put("latency", LiveScenario.strip((Map<?, ?>) single.get("latency")));
        summary.put("lost", null);
        summary.put("duplicated", null);
        summary.put("cpuMicrosPerEvent", ((Map<?, ?>) single.get("cpu")).get("serverMicrosPerEvent"));
        summary.put("serverCoresUsed", ((Map<?, ?>) single.get("cpu")).get("serverCoresUsed"));
        summary.put("generatorCoresUsed", ((Map<?, ?>) single.get("cpu")).get("generatorCoresUsed"));
        result.put("summary", summary);
        return result;
    }

    /** Events/s Redis sustains for the same writes, batched as the batch phase, over as many callers. */
    private double redisCeiling(String redisUri, List<String> topics, int batch, int dataSize, int callers) throws InterruptedException {
        Clock.log("%s phase redis-ceiling: %d callers, %d events per script call, straight to Redis", ctx.tag(), callers, batch);
        try (RedisCeiling ceiling = new RedisCeiling(redisUri, topics, batch, dataSize)) {
            ceiling.start(callers);
            Thread.sleep(ctx.warmup.toMillis());
            long e0 = ceiling.events();
            long t0 = System.nanoTime();
            Thread.sleep(ctx.duration.toMillis());
            double rate = Context.round3((ceiling.events() - e0) / ((System.nanoTime() - t0) / 1e9));
            Clock.log("%s phase redis-ceiling: %.0f events/s (%d failed calls)", ctx.tag(), rate, ceiling.failures());
            return rate;
        }
    }
}
