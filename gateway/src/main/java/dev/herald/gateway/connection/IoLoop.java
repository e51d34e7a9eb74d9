package dev.herald.gateway.connection;

import java.util.LinkedHashSet;
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

    IoLoop(XnioIoThread thread) {
        this.thread = thread;
        thread.executeAtInterval(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    public XnioIoThread thread() {
        return thread;
    }

    void add(SseConnection connection) {
        connections.add(connection);
    }

    void remove(SseConnection connection) {
        connections.remove(connection);
    }

    /** A snapshot, for shutdown and diagnostics. */
    SseConnection[] connections() {
        return connections.toArray(SseConnection[]::new);
    }

    private void tick() {
        long now = System.nanoTime();
        for (SseConnection c : connections()) {
            c.tick(now);
        }
    }
}
