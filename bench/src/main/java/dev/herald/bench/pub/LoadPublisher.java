package dev.herald.bench.pub;

import dev.herald.bench.Clock;
import dev.herald.bench.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Publishes benchmark events over a few pipelined keep-alive connections ({@link HttpPipe}s).
 *
 * <p><b>Paced</b> ({@code ratePerTopic > 0}): each topic gets {@code ratePerTopic} events a second on a
 * fixed schedule (event {@code k} of a pipe is due at {@code start + k / rate}), not closed-loop: a slow
 * answer does not delay the next event, and a publisher that fell behind (its in-flight window full)
 * catches up at once, so the schedule lag is reported. <b>Closed-loop</b> ({@code ratePerTopic <= 0}):
 * each pipe keeps {@code maxInFlight} requests outstanding, to measure the most the server accepts.
 *
 * <p>Every event's data is {@code "<seq> <publishMicros> <padding>"}: its topic's sequence number
 * (0, 1, 2, ...), the wall-clock time it was written to the socket (µs since the epoch) and {@code x}s up
 * to {@code dataSize} bytes. Each topic is published on exactly one pipe, so its events reach the server in
 * sequence order.
 */
public final class LoadPublisher {
    private final Target target;
    private final List<String> topics;
    private final double ratePerTopic;
    private final int dataSize;
    private final int batchSize;
    private final int pipeCount;
    private final int maxInFlight;
    private final long[] nextSeq;
    private final AtomicLongArray ackedSeq;
    private final AtomicLong sentEvents = new AtomicLong();
    private final AtomicLong sentRequests = new AtomicLong();
    private final AtomicLong ackedEvents = new AtomicLong();
    private final AtomicLong ackedRequests = new AtomicLong();
    private final AtomicLong failedEvents = new AtomicLong();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private final Recorder requestLatency = new Recorder(3);
    private final List<Thread> threads = new ArrayList<>();
    private final List<HttpPipe> pipes = new ArrayList<>();
    private volatile boolean running;
    private volatile String lastError;

    public LoadPublisher(Target target, List<String> topics, double ratePerTopic, int dataSize, int batchSize, int pipes,
                         int maxInFlight) {
        if (batchSize > 1 && !target.hasBatchApi()) {
            throw new IllegalArgumentException("this target has no batch publish API");
        }
        this.target = target;
        this.topics = List.copyOf(topics);
        this.ratePerTopic = ratePerTopic;
        this.dataSize = dataSize;
        this.batchSize = Math.max(1, batchSize);
        this.pipeCount = Math.max(1, Math.min(pipes, topics.size() * (ratePerTopic > 0 ? 1 : 64)));
        this.maxInFlight = maxInFlight;
        this.nextSeq = new long[topics.size()];
        this.ackedSeq = new AtomicLongArray(topics.size());
        for (int i = 0; i < topics.size(); i++) {
            ackedSeq.set(i, -1);
        }
    }

    public void start() throws IOException {
        running = true;
        for (int p = 0; p < pipeCount; p++) {
            List<Integer> mine = new ArrayList<>();
            for (int t = 0; t < topics.size(); t++) {
                if (t % pipeCount == p) {
                    mine.add(t);
                }
            }
            if (mine.isEmpty()) {
                // closed-loop with more pipes than topics: share topics across pipes (order is not checked then)
                mine.add(p % topics.size());
            }
            HttpPipe pipe = new HttpPipe(target.publishAddress(), maxInFlight, this::onResponse, "bench-pub-" + p);
            pipes.add(pipe);
            Thread t = new Thread(() -> runPipe(pipe, mine), "bench-pub-" + p);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void runPipe(HttpPipe pipe, List<Integer> mine) {
        double eventsPerSecond = ratePerTopic * mine.size();
        double periodNanos = ratePerTopic > 0 ? batchSize * 1e9 / eventsPerSecond : 0;
        long start = System.nanoTime();
        StringBuilder sb = new StringBuilder(dataSize * batchSize + 256);
        StringBuilder body = new StringBuilder(dataSize * batchSize + 64);
        byte[] buf = new byte[1024];
        String pad = "x".repeat(Math.max(0, dataSize));
        String[] heads = new String[topics.size()];
        for (int t : mine) {
            heads[t] = target.publishHead(topics.get(t));
        }
        String batchHead = target.hasBatchApi() ? target.batchHead() : null;
        long k = 0;
        try {
            while (running) {
                if (periodNanos > 0) {
                    long due = start + (long) (k * periodNanos);
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(Math.min(due - now, 1_000_000));
                        if (!running) {
                            return;
                        }
                    }
                    long lag = now - due;
                    if (lag > maxLagNanos.get()) {
                        maxLagNanos.accumulateAndGet(lag, Math::max);
                    }
                }
                int t = mine.get((int) (k % mine.size()));
                long firstSeq;
                long seq;
                synchronized (nextSeq) {
                    firstSeq = nextSeq[t];
                    nextSeq[t] += batchSize;
                }
                seq = firstSeq + batchSize - 1;
                long ts = Clock.nowMicros();
                body.setLength(0);
                if (batchSize == 1) {
                    target.appendPublishBody(body, payload(firstSeq, ts, pad));
                    sb.setLength(0);
                    sb.append(heads[t]);
                } else {
                    body.append('[');
                    for (int i = 0; i < batchSize; i++) {
                        if (i > 0) {
                            body.append(',');
                        }
                        body.append("{\"topic\":\"").append(topics.get(t)).append("\",\"data\":\"")
                                .append(payload(firstSeq + i, ts, pad)).append("\"}");
                    }
                    body.append(']');
                    sb.setLength(0);
                    sb.append(batchHead);
                }
                sb.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
                int len = sb.length();
                if (buf.length < len) {
                    buf = new byte[len * 2];
                }
                sb.toString().getBytes(0, len, buf, 0); // ASCII only
                pipe.send(buf, len, new HttpPipe.Sent(System.nanoTime(), batchSize, t, seq));
                sentRequests.incrementAndGet();
                sentEvents.addAndGet(batchSize);
                k++;
            }
        } catch (IOException e) {
            lastError = "publish connection failed: " + e.getMessage();
            Clock.log("  note: %s", lastError);
        }
    }

    /** {@code "<seq> <micros> <pad>"}, {@code dataSize} bytes long (longer if the numbers need it). */
    private String payload(long seq, long micros, String pad) {
        String head = seq + " " + micros + " ";
        int padLen = Math.max(1, dataSize - head.length());
        return head + pad.substring(0, Math.min(padLen, pad.length()));
    }

    private void onResponse(HttpPipe pipe, int status, HttpPipe.Sent sent, long nowNanos, String errorBody) {
        if (status >= 200 && status < 300) {
            ackedRequests.incrementAndGet();
            ackedEvents.addAndGet(sent.events());
            ackedSeq.accumulateAndGet(sent.topic(), sent.lastSeq(), Math::max);
            requestLatency.recordValue(Math.max(0, (nowNanos - sent.sentNanos()) / 1000));
        } else {
            failedEvents.addAndGet(sent.events());
            if (errorBody != null) {
                lastError = "HTTP " + status + ": " + errorBody.strip();
                if (failedEvents.get() <= 5L * sent.events()) {
                    Clock.log("  note: publish answered %s", lastError);
                }
            }
        }
    }

    /** Stops scheduling and waits (up to {@code timeoutMillis}) for the answers to what was sent. */
    public void stop(long timeoutMillis) {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (HttpPipe p : pipes) {
            p.awaitIdle(timeoutMillis);
        }
    }

    public void close() {
        running = false;
        pipes.forEach(HttpPipe::close);
    }

    public List<String> topics() {
        return topics;
    }

    /** The highest sequence number of {@code topic} the server confirmed, or -1. */
    public long ackedSeq(int topic) {
        return ackedSeq.get(topic);
    }

    public long sentEvents() {
        return sentEvents.get();
    }

    public long sentRequests() {
        return sentRequests.get();
    }

    public long ackedEvents() {
        return ackedEvents.get();
    }

    public long ackedRequests() {
        return ackedRequests.get();
    }

    public long failedEvents() {
        return failedEvents.get();
    }

    /** How far behind its schedule the publisher has been at worst (ms); 0 for closed-loop. */
    public double maxLagMillis() {
        return maxLagNanos.get() / 1e6;
    }

    public String lastError() {
        return lastError;
    }

    /** Request round-trip times (µs) since the last call. */
    public Histogram requestLatencyInterval() {
        return requestLatency.getIntervalHistogram();
    }
}
