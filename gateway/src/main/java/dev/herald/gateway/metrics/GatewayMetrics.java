package dev.herald.gateway.metrics;

import dev.herald.gateway.connection.CloseReason;
import dev.herald.gateway.connection.IoLoops;
import dev.herald.gateway.connection.OverloadGuard;
import dev.herald.gateway.read.FeedTailer;
import dev.herald.gateway.read.HistoryPages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's own meters. Recorded from IO threads and tailers, so every meter here is safe for
 * concurrent use. Deliveries are counted by each IO thread on its own ({@link IoLoops#deliveredFrames()}):
 * a shared adder bumped on every socket write was a fifth of the gateway's samples in fan-out, from two
 * threads contending for one cache line; latency is sampled, so its timer is bumped rarely.
 */
public final class GatewayMetrics implements FeedTailer.TailerMetrics, HistoryPages.PageMetrics {
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger topics = new AtomicInteger();
    private final AtomicLong maxPendingBytes = new AtomicLong();
    private final LongAdder pendingTotal = new LongAdder();
    private final AtomicLong tailerLagMicros = new AtomicLong();
    private final AtomicInteger replaysInProgress = new AtomicInteger();
    private final Counter pagesRead;
    private final Counter pagesShared;
    private final Timer replayQueue;
    private final Timer catchUp;
    private final Timer latency;
    private final DistributionSummary pending;
    private final Map<CloseReason, Counter> closes = new EnumMap<>(CloseReason.class);
    private final Timer unwritable;
    private final Counter heartbeats;
    private final Counter replays;
    private final Counter replayed;
    private final Counter replayRetries;
    private final Counter resets;
    private final Counter tailed;
    private final Counter tailerFailures;
    private final Counter undecodable;
    private final Counter discontinuities;
    private final Timer tailerPaused;
    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("herald.gateway.connections", open, AtomicInteger::get).description("open SSE streams").register(registry);
        Gauge.builder("herald.gateway.topics", topics, AtomicInteger::get)
                .description("topics with at least one open stream on this gateway, as of the last presence report").register(registry);
        Gauge.builder("herald.gateway.pending.bytes.max", maxPendingBytes, AtomicLong::get).baseUnit("bytes")
                .description("most bytes any one connection has had queued since start").register(registry);
        Gauge.builder("herald.gateway.pending.bytes.total", pendingTotal, LongAdder::sum).baseUnit("bytes")
                .description("bytes queued over all connections, as of their last write or timer tick").register(registry);
        Gauge.builder("herald.gateway.tailer.lag", tailerLagMicros, v -> v.get() / 1e6).baseUnit("seconds")
                .description("age of the newest event when the tailer dispatched it").register(registry);
        latency = Timer.builder("herald.gateway.delivery.latency").description("publish (Redis time) to frame fully written to the socket")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        pending = DistributionSummary.builder("herald.gateway.pending.bytes").baseUnit("bytes")
                .description("bytes queued per connection, sampled by the IO-thread timer").publishPercentileHistogram().register(registry);
        for (CloseReason reason : CloseReason.values()) {
            closes.put(reason, Counter.builder(reason.isShed() ? "herald.gateway.sheds" : "herald.gateway.closes")
                    .tag("reason", reason.tag()).description("streams ended, by reason").register(registry));
        }
        unwritable = Timer.builder("herald.gateway.unwritable").description("time connections spent unable to write").register(registry);
        heartbeats = Counter.builder("herald.gateway.heartbeats").register(registry);
        replays = Counter.builder("herald.gateway.replays").description("resumes that read history").register(registry);
        replayRetries = Counter.builder("herald.gateway.replay.retries")
                .description("history reads that failed (Redis unreachable) and were retried, the stream held open").register(registry);
        Gauge.builder("herald.gateway.replays.active", replaysInProgress, AtomicInteger::get).description("replays in progress").register(registry);
        pagesRead = Counter.builder("herald.gateway.replay.pages").tag("source", "redis").description("history pages by where they came from").register(registry);
        pagesShared = Counter.builder("herald.gateway.replay.pages").tag("source", "shared").register(registry);
        replayQueue = Timer.builder("herald.gateway.replay.queue").description("time a history read waited for a free slot")
                .publishPercentileHistogram().register(registry);
        catchUp = Timer.builder("herald.gateway.replay.catchup").description("time from resume to live delivery")
                .publishPercentileHistogram().register(registry);
        replayed = Counter.builder("herald.gateway.replayed.events").description("events sent from history").register(registry);
        resets = Counter.builder("herald.gateway.resets").description("herald.reset events sent for trimmed history").register(registry);
        tailed = Counter.builder("herald.gateway.tailer.events").description("events read from partition feeds").register(registry);
        tailerFailures = Counter.builder("herald.gateway.tailer.failures").description("failed feed reads (each retried)").register(registry);
        undecodable = Counter.builder("herald.gateway.tailer.undecodable")
                .description("feed entries skipped because they could not be decoded").register(registry);
        discontinuities = Counter.builder("herald.gateway.tailer.discontinuities")
                .description("times a feed was found trimmed past the tailer's position (its streams replayed from history)").register(registry);
        tailerPaused = Timer.builder("herald.gateway.tailer.paused")
                .description("time tailers waited before reading because an IO thread had dispatch.max-waiting waiting").register(registry);
    }

    /** Exposes what waits for the IO loops: the bound the tailers pause at must hold. */
    public void watchLoops(IoLoops loops) {
        FunctionCounter.builder("herald.gateway.events.delivered", loops, IoLoops::deliveredFrames)
                .description("event frames fully written to sockets (brought up to date every IO-thread timer tick)").register(registry);
        Gauge.builder("herald.gateway.dispatch.waiting", loops, IoLoops::waitingBytes).baseUnit("bytes")
                .description("live events read from Redis and not yet taken by an IO thread").register(registry);
        Gauge.builder("herald.gateway.dispatch.waiting.max", loops, IoLoops::mostWaitingBytes).baseUnit("bytes")
                .description("the most that has waited for one IO thread at once since start").register(registry);
    }

    /** Exposes the overload guard's verdict and the delivery lag it acts on. */
    public void watchOverload(OverloadGuard guard) {
        Gauge.builder("herald.gateway.overloaded", guard, g -> g.isOverloaded() ? 1 : 0)
                .description("1 while delivery lag is over herald.gateway.overload.lag-budget: new streams refused, some shed").register(registry);
        Gauge.builder("herald.gateway.delivery.lag", guard, g -> g.lagMicros() / 1e6).baseUnit("seconds")
                .description("largest publish-to-IO-thread lag over the last timer tick of each IO thread").register(registry);
    }

    public void topicsWithStreams(int n) {
        topics.set(n);
    }

    public void opened() {
        open.incrementAndGet();
    }

    public void closed(CloseReason reason) {
        open.decrementAndGet();
        closes.get(reason).increment();
    }

    public int openConnections() {
        return open.get();
    }

    public long maxPendingBytes() {
        return maxPendingBytes.get();
    }

    public double closes(CloseReason reason) {
        return closes.get(reason).count();
    }

    /** Notes a connection's new peak of queued bytes (reported after writes, not per frame: the maximum is shared). */
    public void pendingPeak(long bytes) {
        long max = maxPendingBytes.get();
        while (bytes > max && !maxPendingBytes.compareAndSet(max, bytes)) {
            max = maxPendingBytes.get();
        }
    }

    public long totalPendingBytes() {
        return pendingTotal.sum();
    }

    /** Adds the change of one connection's queued bytes to the total. */
    public void pendingChanged(long delta) {
        if (delta != 0) {
            pendingTotal.add(delta);
        }
    }

    public void pendingSample(long bytes) {
        pending.record(bytes);
    }

    public void latencyMicros(long micros) {
        latency.record(Math.max(0, micros), TimeUnit.MICROSECONDS);
    }

    public void unwritableFor(long nanos) {
        unwritable.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void heartbeat() {
        heartbeats.increment();
    }

    public void replayStarted() {
        replays.increment();
        replaysInProgress.incrementAndGet();
    }

    public void replayRetried() {
        replayRetries.increment();
    }

    public void replayEnded() {
        replaysInProgress.decrementAndGet();
    }

    public int replaysInProgress() {
        return replaysInProgress.get();
    }

    public void caughtUpAfter(long nanos) {
        catchUp.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void pageRead() {
        pagesRead.increment();
    }

    @Override
    public void pageShared() {
        pagesShared.increment();
    }

    public double pagesRead() {
        return pagesRead.count();
    }

    public double pagesShared() {
        return pagesShared.count();
    }

    @Override
    public void readQueuedFor(long nanos) {
        replayQueue.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void replayed(int events) {
        replayed.increment(events);
    }

    public void reset() {
        resets.increment();
    }

    @Override
    public void dispatched(int events, long lastPublishedMicros) {
        tailed.increment(events);
        if (lastPublishedMicros > 0) {
            tailerLagMicros.set(Math.max(0, nowMicros() - lastPublishedMicros));
        }
    }

    /** A stream request answered with a retry hint (or, to a JSON client, 429/503) instead of a stream. */
    public void refused(String reason) {
        registry.counter("herald.gateway.refused", "reason", reason).increment();
    }

    /**
     * A stream request answered 401 or 403, by reason: {@code token_missing}, {@code token_invalid},
     * {@code token_expired} or {@code forbidden}. (Streams ended by their token's expiry are counted as
     * closes with reason {@code token_expired}.)
     */
    public void authFailed(String reason) {
        registry.counter("herald.gateway.auth.failures", "reason", reason).increment();
    }

    public double authFailures(String reason) {
        return registry.counter("herald.gateway.auth.failures", "reason", reason).count();
    }

    public double refusedCount(String reason) {
        return registry.counter("herald.gateway.refused", "reason", reason).count();
    }

    @Override
    public void readFailed() {
        tailerFailures.increment();
    }

    @Override
    public void undecodable() {
        undecodable.increment();
    }

    @Override
    public void discontinuity() {
        discontinuities.increment();
    }

    @Override
    public void pausedFor(long nanos) {
        tailerPaused.record(nanos, TimeUnit.NANOSECONDS);
    }

    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
