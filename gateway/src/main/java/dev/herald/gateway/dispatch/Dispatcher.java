package dev.herald.gateway.dispatch;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Hands what the tailers read to the IO loops. Each run of a partition's feed is encoded once, on the
 * tailer's thread and outside any lock, into one immutable {@link LiveBatch} that every loop receives;
 * each loop finds the receivers in its own subscription index, on its own thread. No lock is shared
 * between tailers and IO threads: the only shared state is each loop's lock-free inbox.
 *
 * <p>Every event is encoded, whether or not a loop has subscribers for it: that keeps the handoff exact
 * (a stream that registers on a loop gets every event after the loop's watermark live) at the cost of one
 * encoding per event read, which the tailer has already paid to parse.
 */
public final class Dispatcher {
    private static final long ROOM_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final List<? extends BatchSink> loops;

    public Dispatcher(List<? extends BatchSink> loops) {
        this.loops = List.copyOf(loops);
    }

    /** Tells every loop where a partition's feed starts, before anything is dispatched from it. */
    public void startAt(int partition, StreamId position) {
        post(LiveBatch.position(partition, position));
    }

    /**
     * Dispatches a partition's run of events, in feed order, that the feed holds up to {@code watermark}
     * (its last entry, which may be one that was skipped). {@code continuous} is false if entries between
     * the previous run and this one may have been trimmed before they were read.
     */
    public void dispatch(int partition, List<Event> events, StreamId watermark, boolean continuous) {
        if (!events.isEmpty() || !continuous) {
            post(LiveBatch.of(partition, SharedFrame.encodeAll(partition, events, loops.size()), watermark, continuous));
        } else {
            post(LiveBatch.position(partition, watermark)); // skipped entries: the watermark still moves on
        }
    }

    private void post(LiveBatch batch) {
        for (BatchSink loop : loops) {
            loop.post(batch);
        }
    }

    /**
     * Waits while any loop has more than its bound waiting, so a gateway that falls behind leaves the
     * backlog in Redis instead of in its memory. Returns the nanoseconds waited, or -1 if {@code running}
     * turned false meanwhile.
     */
    public long awaitRoom(BooleanSupplier running) {
        if (hasRoom()) {
            return 0;
        }
        long start = System.nanoTime();
        while (!hasRoom()) {
            if (!running.getAsBoolean()) {
                return -1;
            }
            LockSupport.parkNanos(ROOM_POLL_NANOS);
        }
        return Math.max(1, System.nanoTime() - start);
    }

    private boolean hasRoom() {
        for (BatchSink loop : loops) {
            if (!loop.hasRoom()) {
                return false;
            }
        }
        return true;
    }
}
