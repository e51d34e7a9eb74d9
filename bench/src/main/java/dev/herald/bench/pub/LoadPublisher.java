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
 * fixed schedule, not closed-loop: a slow answer does not delay the next event as long as one of the
 * connections is free (each has at most {@code maxInFlight}, by default 1, request outstanding: HTTP
 * pipelining is rare in practice and costs Herald's Undertow-based publisher several times the CPU); a
 * publisher that fell behind catches up at once, and its worst lag is reported. <b>Closed-loop</b> ({@code ratePerTopic <= 0}):
 * each pipe keeps {@code maxInFlight} requests outstanding, to measure the most the server accepts.
 *
 * <p>Every event's data is {@code "<seq> <publishMicros> <padding>"}: its topic's sequence number
 * (0, 1, 2, ...), the wall-clock time it was written to the socket (µs since the epoch) and {@code x}s up
 * to {@code dataSize} bytes. When paced, request {@code g} (over all topics) is due at
 * {@code start + g / (rate x topics)}, goes to topic {@code g mod topics} and to whichever connection is
 * free: one topic's events are published concurrently, so the server may append them slightly out of
 * order (the subscribers' check allows for that).
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
    /** Paced mode: the schedule index claimed last, and where every pipe stops (so the run ends without holes). */
    private final Object claimLock = new Object();
    private long nextIndex;
    private long stopAt = Long.MAX_VALUE;

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
        this.pipeCount = Math.max(1, pipes);
        this.maxInFlight = maxInFlight;
        this.nextSeq = new long[topics.size()];
        this.ackedSeq = new AtomicLongArray(topics.size());
        for (int i = 0; i < topics.size(); i++) {
            ackedSeq.set(i, -1);
        }
    }

    public void start() throws IOException {
        running = true;
        long start = System.nanoTime() + 20_000_000L; // every pipe connected by then
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
            if (ratePerTopic > 0) {
                HttpPipe pipe = new HttpPipe(target.publishAddress(), maxInFlight, this::onResponse, "bench-pub-" + p);
                pipes.add(pipe);
                int index = p;
                Thread t = new Thread(() -> runPaced(pipe, index, start), "bench-pub-" + p);
                t.setDaemon(true);
                threads.add(t);
            } else {
                ClosedLoop loop = new ClosedLoop(mine);
                HttpPipe pipe = new HttpPipe(target.publishAddress(), maxInFlight, loop::onResponse, "bench-pub-" + p);
                pipes.add(pipe);
                loop.prime(pipe);
            }
        }
        threads.forEach(Thread::start);
    }

    /**
     * Closed-loop on one pipe: {@code maxInFlight} requests go out at start, and each answer sends the next
     * from the pipe's reader thread, round-robin over this pipe's topics. No sender thread waits for the
     * answer, so a request costs the generator one thread wake-up instead of two.
     */
    private final class ClosedLoop {
        private final List<Integer> mine;
        private final Request req = new Request();
        private long k;

        ClosedLoop(List<Integer> mine) {
            this.mine = mine;
        }

        void prime(HttpPipe pipe) {
            for (int i = 0; i < maxInFlight; i++) {
                next(pipe);
            }
        }

        void onResponse(HttpPipe pipe, int status, HttpPipe.Sent sent, long nowNanos, String errorBody) {
            LoadPublisher.this.onResponse(pipe, status, sent, nowNanos, errorBody);
            if (running && status > 0) {
                next(pipe);
            }
        }

        private synchronized void next(HttpPipe pipe) {
            int t = mine.get((int) (k++ % mine.size()));
            long firstSeq;
            synchronized (nextSeq) {
                firstSeq = nextSeq[t];
                nextSeq[t] += batchSize;
            }
            try {
                send(pipe, req, t, firstSeq);
            } catch (IOException e) {
                lastError = "publish connection failed: " + e.getMessage();
                Clock.log("  note: %s", lastError);
            }
        }
    }

    /**
     * Paced: whenever this pipe has no request outstanding, claim the next request index {@code g} and send
     * it at its due time {@code start + g x period}. With every pipe busy, the claim waits (schedule lag).
     */
    private void runPaced(HttpPipe pipe, int index, long start) {
        int topicCount = topics.size();
        double periodNanos = batchSize * 1e9 / (ratePerTopic * topicCount);
        Request req = new Request();
        try {
            while (true) {
                pipe.awaitSlot();
                long g = claim();
                if (g < 0) {
                    return;
                }
                long due = start + (long) (g * periodNanos);
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(Math.min(due - now, 1_000_000));
                }
                long lag = now - due;
                if (lag > maxLagNanos.get()) {
                    maxLagNanos.accumulateAndGet(lag, Math::max);
                }
                int t = (int) (g % topicCount);
                long firstSeq = (g / topicCount) * batchSize;
                send(pipe, req, t, firstSeq);
            }
        } catch (IOException e) {
            lastError = "publish connection failed: " + e.getMessage();
            Clock.log("  note: %s", lastError);
        }
    }

    /** The next request index of the schedule, or -1 once stopped. Every index claimed is sent. */
    private long claim() {
        synchronized (claimLock) {
            if (nextIndex >= stopAt) {
                return -1;
            }
            return nextIndex++;
        }
    }

    /** Reusable buffers of one pipe's thread. */
    private final class Request {
        final StringBuilder sb = new StringBuilder(dataSize * batchSize + 256);
        final StringBuilder body = new StringBuilder(dataSize * batchSize + 64);
        final String pad = "x".repeat(Math.max(1, dataSize));
        byte[] buf = new byte[1024];
    }

    private void send(HttpPipe pipe, Request r, int t, long firstSeq) throws IOException {
        long ts = Clock.nowMicros();
        StringBuilder body = r.body;
        StringBuilder sb = r.sb;
        body.setLength(0);
        sb.setLength(0);
        if (batchSize == 1) {
            target.appendPublishBody(body, payload(firstSeq, ts, r.pad));
            sb.append(target.publishHead(topics.get(t)));
        } else {
            body.append('[');
            for (int i = 0; i < batchSize; i++) {
                if (i > 0) {
                    body.append(',');
                }
                body.append("{\"topic\":\"").append(topics.get(t)).append("\",\"data\":\"")
                        .append(payload(firstSeq + i, ts, r.pad)).append("\"}");
            }
            body.append(']');
            sb.append(target.batchHead());
        }
        sb.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
        int len = sb.length();
        if (r.buf.length < len) {
            r.buf = new byte[len * 2];
        }
        for (int i = 0; i < len; i++) {
            r.buf[i] = (byte) sb.charAt(i); // ASCII only
        }
        pipe.send(r.buf, len, new HttpPipe.Sent(System.nanoTime(), batchSize, t, firstSeq + batchSize - 1));
        sentRequests.incrementAndGet();
        sentEvents.addAndGet(batchSize);
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
        if (ratePerTopic > 0) {
            // Every request up to the last one claimed is sent (each pipe finishes its share), none after it:
            // the run ends without a hole in any topic's sequence.
            synchronized (claimLock) {
                stopAt = nextIndex;
            }
        }
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
        synchronized (claimLock) {
            stopAt = Math.min(stopAt, nextIndex);
        }
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
