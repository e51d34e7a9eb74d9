package dev.herald.gateway.connection;

import dev.herald.gateway.dispatch.LiveBatch;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Live batches on their way to one IO thread. Tailers post from their threads (lock-free); at most one
 * drain task is queued on the IO thread at a time, and it takes every batch posted until it runs. So a loop
 * that falls behind takes more batches per pass, and its connections get more frames per write: writes
 * per delivered event fall as load rises, with no timer and no knob. The bytes waiting here are counted,
 * so the dispatcher can stop reading Redis while a loop is over its bound.
 */
final class LiveInbox {
    private final ConcurrentLinkedQueue<LiveBatch> batches = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final AtomicLong waitingBytes = new AtomicLong();
    /** The most that has waited at once, for the metric that shows the bound holds. */
    private final AtomicLong mostWaitingBytes = new AtomicLong();
    private final long maxWaitingBytes;
    private final Executor thread;
    private final Runnable drain;

    /** {@code drain} runs on {@code thread} and must call {@link #drainTo}. */
    LiveInbox(Executor thread, long maxWaitingBytes, Runnable drain) {
        this.thread = thread;
        this.maxWaitingBytes = maxWaitingBytes;
        this.drain = drain;
    }

    /** Any thread. */
    void post(LiveBatch batch) {
        long waiting = waitingBytes.addAndGet(batch.bytes());
        if (waiting > mostWaitingBytes.get()) {
            mostWaitingBytes.accumulateAndGet(waiting, Math::max);
        }
        batches.offer(batch);
        if (!drainQueued.get() && drainQueued.compareAndSet(false, true)) {
            thread.execute(drain);
        }
    }

    /** Any thread. */
    boolean hasRoom() {
        return waitingBytes.get() < maxWaitingBytes;
    }

    long waitingBytes() {
        return waitingBytes.get();
    }

    long mostWaitingBytes() {
        return mostWaitingBytes.get();
    }

    /** On the IO thread: hands every batch posted so far to {@code delivery}, in order. */
    void drainTo(Consumer<LiveBatch> delivery) {
        drainQueued.set(false); // a batch posted from now on queues another drain (maybe an empty one)
        long taken = 0;
        LiveBatch batch;
        while ((batch = batches.poll()) != null) {
            delivery.accept(batch);
            taken += batch.bytes();
        }
        if (taken > 0) {
            waitingBytes.addAndGet(-taken);
        }
    }
}
