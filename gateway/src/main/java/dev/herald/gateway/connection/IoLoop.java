package dev.herald.gateway.connection;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioIoThread;

/**
 * The connections of one XNIO IO thread and the single timer that serves them all: heartbeats, the
 * unwritable-time check and pending-bytes sampling, instead of a scheduled task per connection. Used
 * only on its IO thread.
 */
public final class IoLoop {
    static final long TICK_MILLIS = 250;

    private final XnioIoThread thread;
    private final Set<SseConnection> connections = new LinkedHashSet<>();
    private Drain drain;
    /** Connections waiting for the end of their write window, and whether a task will flush them. */
    private final List<SseConnection> deferred = new ArrayList<>();
    private boolean deferredScheduled;
    /** The number of connections, for other threads. */
    private volatile int size;

    /** A drain in progress: connections are closed at an even pace until the deadline. */
    private record Drain(long startNanos, long endNanos, int total, RetryHints hints) {
        /** How many of the connections should be closed by {@code now}. */
        int dueBy(long now) {
            if (now >= endNanos) {
                return total;
            }
            return (int) (total * (double) (now - startNanos) / (endNanos - startNanos));
        }
    }

    IoLoop(XnioIoThread thread) {
        this.thread = thread;
        thread.executeAtInterval(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    public XnioIoThread thread() {
        return thread;
    }

    void add(SseConnection connection) {
        connections.add(connection);
        size = connections.size();
    }

    void remove(SseConnection connection) {
        connections.remove(connection);
        size = connections.size();
    }

    /** Connections on this thread; safe to read from any thread. */
    int size() {
        return size;
    }

    /** A snapshot, for shutdown and diagnostics. */
    SseConnection[] connections() {
        return connections.toArray(SseConnection[]::new);
    }

    /**
     * Flushes {@code connection} in {@code delayNanos}. One task serves every connection deferred until it
     * runs: they were written together (by the same live batches), so their windows end together.
     */
    void deferFlush(SseConnection connection, long delayNanos) {
        deferred.add(connection);
        if (!deferredScheduled) {
            deferredScheduled = true;
            thread.executeAfter(this::flushDeferred, Math.max(1, TimeUnit.NANOSECONDS.toMicros(delayNanos)), TimeUnit.MICROSECONDS);
        }
    }

    private void flushDeferred() {
        deferredScheduled = false;
        SseConnection[] due = deferred.toArray(SseConnection[]::new);
        deferred.clear();
        for (SseConnection c : due) {
            c.deferredFlush();
        }
    }

    /** Starts closing this thread's streams in waves over {@code periodNanos}. Call on this IO thread. */
    void startDrain(long periodNanos, RetryHints hints) {
        long now = System.nanoTime();
        drain = new Drain(now, now + periodNanos, connections.size(), hints);
    }

    private void tick() {
        long now = System.nanoTime();
        for (SseConnection c : connections()) {
            c.tick(now);
        }
        if (drain != null) {
            drainStep(now);
        }
    }

    private void drainStep(long now) {
        SseConnection[] open = connections();
        int closing = 0;
        for (SseConnection c : open) {
            closing += c.isClosing() ? 1 : 0;
        }
        int toClose = drain.dueBy(now) - (drain.total() - open.length + closing);
        for (SseConnection c : open) {
            if (now >= drain.endNanos()) {
                c.close(CloseReason.DRAINED);
            } else if (toClose > 0 && !c.isClosing()) {
                c.closeAfterFlush(drain.hints().frame(), CloseReason.DRAINED);
                toClose--;
            }
        }
    }
}
