package dev.herald.gateway.connection;

import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.dispatch.BatchSink;
import dev.herald.gateway.dispatch.LiveBatch;
import dev.herald.gateway.dispatch.SharedFrame;
import dev.herald.gateway.metrics.GatewayMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioIoThread;

/**
 * One XNIO IO thread's share of the gateway: its connections, its subscription index, the live batches
 * posted to it, and the single timer that serves all its connections (heartbeats, the unwritable-time
 * check, pending-bytes sampling, overload shedding) instead of a scheduled task per connection.
 *
 * <p>Everything but {@link #post}, {@link #hasRoom} and {@link #size} runs on the loop's thread, so none
 * of it is locked. A drain of the inbox offers every posted batch's frames to their subscribers, then
 * writes each connection that received frames once.
 */
public final class IoLoop implements BatchSink {
    static final long TICK_MILLIS = 250;

    private final int index;
    private final XnioIoThread thread;
    private final Set<SseConnection> connections = new LinkedHashSet<>();
    private final SubscriptionIndex subscriptions;
    private final LiveInbox inbox;
    private final OverloadGuard overload;
    private final RetryHints shedHints;
    /** Connections that got frames in the current drain, written once at its end. */
    private final List<SseConnection> touched = new ArrayList<>();
    private Drain drain;
    /** Connections waiting for the end of their write window, and whether a task will flush them. */
    private final List<SseConnection> deferred = new ArrayList<>();
    private boolean deferredScheduled;
    /** The delivery lag of the freshest batch delivered since the last tick (0 if none). */
    private long lagMicros;
    /** Event frames its connections have written, counted on this thread alone... */
    private long delivered;
    /** ...and published to other threads once per tick. */
    private volatile long deliveredSeen;
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

    IoLoop(int index, XnioIoThread thread, int partitions, long maxWaitingBytes, OverloadGuard overload, RetryHints shedHints) {
        this.index = index;
        this.thread = thread;
        this.subscriptions = new SubscriptionIndex(partitions);
        this.inbox = new LiveInbox(thread, maxWaitingBytes, this::deliverPosted);
        this.overload = overload;
        this.shedHints = shedHints;
        thread.executeAtInterval(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    public XnioIoThread thread() {
        return thread;
    }

    /** This loop's place among the gateway's loops: its slot in each {@link SharedFrame}'s views. */
    int index() {
        return index;
    }

    @Override
    public void post(LiveBatch batch) {
        inbox.post(batch);
    }

    @Override
    public boolean hasRoom() {
        return inbox.hasRoom();
    }

    /** Live batch bytes posted and not yet delivered (any thread). */
    long waitingBytes() {
        return inbox.waitingBytes();
    }

    /** The most live batch bytes that have waited at once (any thread). */
    long mostWaitingBytes() {
        return inbox.mostWaitingBytes();
    }

    /** Counts event frames a connection of this loop wrote. */
    void delivered(int frames) {
        delivered += frames;
    }

    /** Event frames written by this loop's connections, as of its last tick (any thread). */
    long deliveredFrames() {
        return deliveredSeen;
    }

    /** Delivers every batch posted so far, then writes each connection that got frames, once. */
    private void deliverPosted() {
        inbox.drainTo(this::deliver);
        for (int i = 0; i < touched.size(); i++) {
            touched.get(i).flush();
        }
        touched.clear();
    }

    private void deliver(LiveBatch batch) {
        subscriptions.advance(batch.partition(), batch.watermark());
        if (!batch.continuous()) {
            // Live frames before this batch may be missing: each stream of the partition replays from its
            // own position up to the new watermark; this batch's frames are held meanwhile, as at registration.
            for (SseConnection c : connections()) {
                c.rewind(batch.partition(), batch.watermark());
            }
        }
        List<SharedFrame> frames = batch.frames();
        for (int i = 0; i < frames.size(); i++) {
            SharedFrame frame = frames.get(i);
            Subscribers<SseConnection> subscribers = subscriptions.subscribers(frame.topic());
            if (subscribers == null) {
                continue;
            }
            Object[] slots = subscribers.slots();
            for (int k = 0, end = subscribers.end(); k < end; k++) {
                SseConnection c = (SseConnection) slots[k];
                if (c != null && c.offer(frame)) {
                    touched.add(c);
                }
            }
        }
        if (batch.newestPublishedMicros() > 0) {
            // The freshest batch says whether the loop is behind now; older ones in the same pass were
            // only waiting for it (a loop that just caught up after a pause is not overloaded).
            lagMicros = GatewayMetrics.nowMicros() - batch.newestPublishedMicros();
        }
    }

    /**
     * Subscribes {@code connection} to {@code topics} (all of {@code partition}) and returns the loop's
     * watermark for the partition: every later event of these topics will be offered to it live; every
     * earlier one is in history.
     */
    StreamId register(SseConnection connection, int partition, Collection<Topic> topics) {
        if (subscriptions.watermark(partition) == null) {
            deliverPosted(); // the tailer's start position may still be waiting in the inbox
        }
        StreamId watermark = subscriptions.watermark(partition);
        if (watermark == null) {
            throw new IllegalStateException("partition " + partition + " is not positioned yet");
        }
        subscriptions.add(connection, topics);
        return watermark;
    }

    void unregister(SseConnection connection, Collection<Topic> topics) {
        subscriptions.remove(connection, topics);
    }

    /** Adds this loop's streams per topic name into {@code counts}. Call on this loop's thread. */
    void countStreamsInto(Map<String, Integer> counts) {
        subscriptions.countInto(counts);
    }

    /** The ID of the last event of {@code partition} this loop has offered to its connections. */
    StreamId watermark(int partition) {
        return subscriptions.watermark(partition);
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
        SseConnection[] open = connections();
        for (SseConnection c : open) {
            c.tick(now);
        }
        shedIfOverloaded(open);
        deliveredSeen = delivered;
        if (drain != null) {
            drainStep(now);
        }
    }

    /** Sheds the share of streams the overload guard asks for, newest first (they have the least to lose). */
    private void shedIfOverloaded(SseConnection[] open) {
        int toShed = overload.report(index, lagMicros, open.length);
        lagMicros = 0;
        for (int i = open.length - 1; i >= 0 && toShed > 0; i--) {
            if (!open[i].isClosing() && !open[i].isClosed()) {
                open[i].closeAfterFlush(shedHints.frame(), CloseReason.OVERLOAD);
                toShed--;
            }
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
