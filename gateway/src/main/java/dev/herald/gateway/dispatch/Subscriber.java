package dev.herald.gateway.dispatch;

import java.util.concurrent.Executor;

/** A receiver of live events: an SSE connection, seen from the dispatcher. */
public interface Subscriber {
    /** The IO thread that owns this subscriber; every other method is called on it. */
    Executor ioThread();

    /**
     * Takes one live frame. Returns true if this made the subscriber dirty (it has bytes to write that a
     * later {@link #flush()} should send), so that a batch flushes each subscriber once.
     */
    boolean offer(SharedFrame frame);

    /** Writes what {@link #offer} queued. */
    void flush();
}
