package dev.herald.bench.client;

import dev.herald.bench.Clock;
import dev.herald.bench.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Thousands of SSE subscribers on one or two selector threads. Connections are opened at a bounded rate
 * with a bounded number still connecting (so the server's accept backlog never overflows), can be stalled
 * (a small SO_RCVBUF and never read), and by default reconnect with {@code Last-Event-ID} when the server
 * closes them, as EventSource does.
 */
public final class SubscriberPool implements AutoCloseable {
    final Target target;
    final Windows windows;
    final boolean reconnect;
    final long reconnectDelayNanos;
    final int stalledReceiveBuffer;
    private final IoThread[] threads;
    private final List<SubConn> conns = new ArrayList<>();
    private final AtomicInteger connecting = new AtomicInteger();
    private final AtomicLong establishedTotal = new AtomicLong();
    private final AtomicLong failedTotal = new AtomicLong();
    private final Map<String, AtomicInteger> notes = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    public SubscriberPool(Target target, int ioThreads, Windows windows, boolean reconnect, long reconnectDelayMillis,
                          int stalledReceiveBuffer) {
        this.target = target;
        this.windows = windows;
        this.reconnect = reconnect;
        this.reconnectDelayNanos = TimeUnit.MILLISECONDS.toNanos(reconnectDelayMillis);
        this.stalledReceiveBuffer = stalledReceiveBuffer;
        this.threads = new IoThread[ioThreads];
        try {
            for (int i = 0; i < ioThreads; i++) {
                threads[i] = new IoThread(this, i);
                threads[i].start();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isRunning() {
        return running;
    }

    /** Adds a subscriber to {@code topic} (not yet connected). */
    public SubConn add(String topic, boolean stalled) {
        int i = conns.size();
        IoThread t = threads[i % threads.length];
        SubConn c = new SubConn(i, topic, stalled, t, target.subscribeAddress(i));
        conns.add(c);
        t.submit(() -> t.conns.add(c));
        return c;
    }

    /** True if {@code c} is served by IO thread {@code t} (for per-thread aggregation in {@link #onEachThread}). */
    public boolean isOwnedBy(SubConn c, IoThread t) {
        return c.io == t;
    }

    public List<SubConn> connections() {
        return conns;
    }

    /**
     * Connects {@code list} at most {@code perSecond} new connections a second and at most
     * {@code maxConnecting} in progress; returns once each is established or failed, or at the deadline.
     */
    public void open(List<SubConn> list, double perSecond, int maxConnecting, long timeoutMillis, String label) {
        open(list, perSecond, maxConnecting, timeoutMillis, label, false);
    }

    /** As {@link #open(List, double, int, long, String)}; with {@code resume}, each resumes after the last event ID it saw. */
    public void open(List<SubConn> list, double perSecond, int maxConnecting, long timeoutMillis, String label, boolean resume) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long before = establishedTotal.get() + failedTotal.get();
        long lastLog = start;
        for (int i = 0; i < list.size(); i++) {
            SubConn c = list.get(i);
            long due = start + (long) (i * 1e9 / perSecond);
            while (System.nanoTime() < due || connecting.get() >= maxConnecting) {
                if (System.nanoTime() > deadline) {
                    Clock.log("%s: connecting timed out after %d of %d", label, i, list.size());
                    return;
                }
                Clock.sleepMillis(1);
            }
            c.closedByClient = false;
            c.countedConnecting = true;
            connecting.incrementAndGet();
            c.io.submit(() -> c.io.open(c, resume ? c.resumeId : null));
            if (System.nanoTime() - lastLog > 1_000_000_000L) {
                lastLog = System.nanoTime();
                Clock.log("%s: connecting %d/%d (established %d, failed %d)", label, i + 1, list.size(),
                        establishedTotal.get(), failedTotal.get());
            }
        }
        while (establishedTotal.get() + failedTotal.get() - before < list.size() && System.nanoTime() < deadline) {
            Clock.sleepMillis(5);
        }
        Clock.log("%s: %d connections opened in %.1f s (established %d, failed %d so far)", label, list.size(),
                (System.nanoTime() - start) / 1e9, establishedTotal.get(), failedTotal.get());
    }

    void connectDone(SubConn c, boolean ok) {
        if (c.countedConnecting) {
            c.countedConnecting = false;
            connecting.decrementAndGet();
            (ok ? establishedTotal : failedTotal).incrementAndGet();
        }
    }

    /** Points a closed connection at another server for its next open (a resume on another gateway). */
    public void moveTo(SubConn c, java.net.InetSocketAddress server) {
        onThreadOf(c, () -> c.server = server);
    }

    /** Client-side close of {@code list}: no automatic reconnect. */
    public void close(List<SubConn> list) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (SubConn c : list) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            c.io.submit(() -> {
                c.io.closeByClient(c);
                f.complete(null);
            });
            done.add(f);
        }
        done.forEach(CompletableFuture::join);
    }

    /** For resume measurements: from now on, note when {@code c} reaches {@code seq}. */
    public void expectCatchUp(SubConn c, long seq) {
        onThreadOf(c, () -> {
            c.catchUpTargetSeq = seq;
            c.caughtUpMicros = 0;
            c.firstEventAfterReconnectMicros = 0;
            c.reconnectStartMicros = Clock.nowMicros();
        });
    }

    private void onThreadOf(SubConn c, Runnable r) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        c.io.submit(() -> {
            r.run();
            f.complete(null);
        });
        f.join();
    }

    /** Runs {@code fn} on every IO thread (so it may read that thread's state) and returns the answers. */
    public <T> List<T> onEachThread(Function<IoThread, T> fn) {
        List<CompletableFuture<T>> fs = new ArrayList<>();
        for (IoThread t : threads) {
            CompletableFuture<T> f = new CompletableFuture<>();
            t.submit(() -> {
                try {
                    f.complete(fn.apply(t));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            fs.add(f);
        }
        List<T> out = new ArrayList<>();
        for (CompletableFuture<T> f : fs) {
            out.add(f.join());
        }
        return out;
    }

    /** Latencies (µs) of events published in window {@code w}, over all threads. */
    public Histogram windowHistogram(int w) {
        Histogram h = new Histogram(3);
        for (Histogram part : onEachThread(t -> t.window(w).copy())) {
            h.add(part);
        }
        return h;
    }

    /** Times (µs) from reconnect to each missed event's arrival, for resume measurements. */
    public Histogram catchUpHistogram() {
        Histogram h = new Histogram(3);
        for (Histogram part : onEachThread(t -> t.catchUp.copy())) {
            h.add(part);
        }
        return h;
    }

    /** Forgets the catch-up times recorded so far (after a warm-up round). */
    public void resetCatchUp() {
        onEachThread(t -> {
            t.catchUp.reset();
            return null;
        });
    }

    /** Latencies recorded since the last call (any window), for progress lines. */
    public Histogram intervalHistogram() {
        Histogram h = new Histogram(3);
        for (IoThread t : threads) {
            h.add(t.interval.getIntervalHistogram());
        }
        return h;
    }

    public long eventsReceived() {
        long n = 0;
        for (IoThread t : threads) {
            n += t.eventsPublished;
        }
        return n;
    }

    public long bytesReceived() {
        long n = 0;
        for (IoThread t : threads) {
            n += t.bytesPublished;
        }
        return n;
    }

    public long established() {
        long n = 0;
        for (SubConn c : conns) {
            if (c.established) {
                n++;
            }
        }
        return n;
    }

    public int connecting() {
        return connecting.get();
    }

    public long failedConnects() {
        return failedTotal.get();
    }

    /** Prints a diagnostic on stderr, at most 5 times per kind of message. */
    void note(String message) {
        String kind = message.replaceAll("[0-9]+", "#");
        int n = notes.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        if (n <= 5) {
            Clock.log("  note: %s%s", message, n == 5 ? " (further ones not shown)" : "");
        }
    }

    public int notesCount() {
        return notes.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public void close() {
        running = false;
        for (IoThread t : threads) {
            t.shutdown();
        }
        for (IoThread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
