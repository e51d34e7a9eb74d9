package dev.herald.gateway.connection;

import dev.herald.common.event.Cursor;
import dev.herald.common.event.StreamId;
import dev.herald.common.revocation.Revocation;
import dev.herald.common.sse.SseEncoder;
import dev.herald.gateway.dispatch.SharedFrame;
import dev.herald.gateway.metrics.GatewayMetrics;
import dev.herald.gateway.read.HistoryPages;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Protocols;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * One SSE stream: its queue of shared frames, its position in each partition it reads, and its writer.
 * Everything here runs on the connection's IO thread: frames are queued by {@link #offer} (live, from its
 * {@link IoLoop}) or by a {@link PartitionReplay}, written by gathering writes until the socket accepts no
 * more, and the rest is left to the write listener. Nothing blocks. Past the pending-bytes bound, or unwritable for too
 * long, the connection is shed; its client resumes from its last event ID.
 */
public final class SseConnection {
    private static final Logger LOG = LoggerFactory.getLogger(SseConnection.class);
    /** One delivery in this many is timed: a histogram needs samples, not every event (and timing is not free). */
    private static final int LATENCY_SAMPLE = 64;
    /** Replay refills one IO-thread task may write before it yields to other tasks. */
    private static final int MAX_REFILLS_PER_TASK = 16;
    private static final ByteBuffer HEARTBEAT = SseEncoder.toSharedBuffer(SseEncoder.comment("heartbeat"));

    private final HttpServerExchange exchange;
    private final StreamSinkChannel channel;
    private final IoLoop loop;
    private final HistoryPages history;
    private final ConnectionLimits limits;
    private final GatewayMetrics metrics;
    /** The partitions this stream reads, in partition order (usually one or a few: scanned, not hashed). */
    private final PartitionState[] partitions;
    private final Admission admission;
    private final FrameFilter filter;
    private final boolean multiPartition;
    private final FrameQueue queue = new FrameQueue();
    private final FrameQueue.Delivered onDelivered = this::delivered;
    /** The streams of this stream's client connection (one over HTTP/1.1, many over HTTP/2). */
    private ConnectionStreams siblings;
    /** The queued bytes last added to the gateway-wide total, so every change is counted exactly once. */
    private long reportedPending;
    /** The queue's peak last reported to the gateway-wide maximum. */
    private long reportedPeak;
    private int replaysActive;
    /** Counts delivered events, so that latency is recorded for one in {@link #LATENCY_SAMPLE} of them. */
    private int delivered;
    private int deliveredInWrite;
    private boolean dirty;
    /** Waiting in its loop for the end of the write window. */
    private boolean flushDeferred;
    private boolean writesResumed;
    private boolean closed;
    /** Set by {@link #closeAfterFlush}: take no more frames, close once the queue is written. */
    private CloseReason closing;
    private long unwritableSinceNanos;
    private long lastWriteNanos;
    private final long openedNanos = System.nanoTime();

    SseConnection(HttpServerExchange exchange, StreamSinkChannel channel, IoLoop loop, HistoryPages history, ConnectionLimits limits,
                  GatewayMetrics metrics, Map<Integer, PartitionState> partitions, Admission admission, FrameFilter filter) {
        this.exchange = exchange;
        this.channel = channel;
        this.loop = loop;
        this.history = history;
        this.limits = limits;
        this.metrics = metrics;
        this.partitions = partitions.values().toArray(PartitionState[]::new);
        this.admission = admission;
        this.filter = filter;
        this.multiPartition = this.partitions.length > 1;
    }

    /**
     * Opens the stream: flushes the headers with {@code opening}, registers for live events and starts a
     * replay for each partition whose resume point is behind what is live.
     */
    void open(String opening, Cursor resumeFrom) {
        metrics.opened();
        loop.add(this);
        siblings = ConnectionStreams.of(exchange.getConnection());
        siblings.add(this);
        channel.getWriteSetter().set(ch -> writeQueued());
        enqueue(ByteBuffer.wrap(opening.getBytes(StandardCharsets.UTF_8)), 0);
        for (PartitionState p : partitions) {
            StreamId live = loop.register(this, p.partition(), p.topics());
            StreamId resume = resumeFrom == null ? null : resumeFrom.position(p.partition());
            if (resume != null && live.isAfter(resume)) {
                p.startReplay(resume, new PartitionReplay(this, p, history, limits.maxReplayEvents(), resume, live));
                replaysActive++;
            } else {
                p.goLive(resume != null ? resume : live);
            }
        }
        writeQueued();
        for (PartitionState p : partitions) {
            if (!closed && p.replaying()) {
                p.replay().start();
            }
        }
    }

    private PartitionState state(int partition) {
        PartitionState p = find(partition);
        if (p == null) {
            throw new IllegalStateException("partition " + partition + " is not read by this stream");
        }
        return p;
    }

    private PartitionState find(int partition) {
        for (PartitionState p : partitions) {
            if (p.partition() == partition) {
                return p;
            }
        }
        return null;
    }

    /**
     * Live frames of {@code partition} had a gap before its watermark {@code upTo} (the feed was trimmed
     * past the tailer): replays from this stream's own position up to it, through history, exactly as at
     * registration. A replay in progress reads on to the loop's watermark instead of handing over.
     */
    void rewind(int partition, StreamId upTo) {
        PartitionState p = find(partition);
        if (p == null || closed || closing != null) {
            return;
        }
        if (p.replaying()) {
            p.dropHeld();
            return;
        }
        if (upTo.isAfter(p.position())) {
            StreamId from = p.position();
            p.startReplay(from, new PartitionReplay(this, p, history, limits.maxReplayEvents(), from, upTo));
            replaysActive++;
            p.replay().start();
        }
    }

    /** A partition's replay handed over to live delivery. */
    void replayEnded() {
        replaysActive--;
    }

    /**
     * Takes one live frame from the loop. Returns true if this made the connection dirty (it has bytes to
     * write that a later {@link #flush()} should send), so that the loop writes each connection once per pass.
     */
    boolean offer(SharedFrame frame) {
        if (closed || closing != null) {
            return false;
        }
        PartitionState p = state(frame.partition());
        // Held frames and the queue share one budget, so a replaying connection holds no more than a live one.
        if (p.holdIfReplaying(frame, limits.maxPendingBytes() - queue.pendingBytes())) {
            return false;
        }
        return enqueueEvent(p, frame);
    }

    /** Writes what live batches queued: at once, or at the end of the write window if one is set. */
    void flush() {
        dirty = false;
        long window = limits.writeWindowNanos();
        if (window > 0 && !closed && !writesResumed) {
            long wait = lastWriteNanos + window - System.nanoTime();
            if (wait > 0) {
                if (!flushDeferred) {
                    flushDeferred = true;
                    loop.deferFlush(this, wait);
                }
                return;
            }
        }
        writeNow();
    }

    /** The end of the write window this connection waited for. */
    void deferredFlush() {
        flushDeferred = false;
        writeNow();
    }

    /** Writes what is queued unless the socket is known to be full (then the write listener will). */
    void writeNow() {
        dirty = false; // whatever is queued goes now: the next live frame makes the connection dirty again
        if (!closed && !writesResumed) {
            writeQueued();
        }
    }

    /** Queues an event frame if it is after the partition's position; returns true if the connection became dirty. */
    boolean enqueueEvent(PartitionState p, SharedFrame frame) {
        if (!p.advanceIfAfter(frame.id()) || !filter.accepts(frame)) {
            return false; // a filtered frame still moves the position: the stream has seen past it
        }
        if (multiPartition) {
            // The other partitions' positions, in partition order, then the shared frame's own.
            StringBuilder prefix = new StringBuilder(24 * partitions.length).append("id: ");
            for (PartitionState other : partitions) {
                if (other != p) {
                    prefix.append(Cursor.encodeOne(other.partition(), other.position())).append(',');
                }
            }
            if (!fits(prefix.length() + frame.size())) {
                return false;
            }
            queue.add(ByteBuffer.wrap(prefix.toString().getBytes(StandardCharsets.US_ASCII)), 0);
            queue.add(frame.viewFor(loop.index()), SharedFrame.ID_VALUE, frame.size(), frame.publishedMicros());
        } else {
            if (!fits(frame.size())) {
                return false;
            }
            queue.add(frame.viewFor(loop.index()), 0, frame.size(), frame.publishedMicros());
        }
        boolean becameDirty = !dirty;
        dirty = true;
        return becameDirty;
    }

    /** Queues a frame that is not an event (opening, heartbeat, reset notice). */
    void enqueue(ByteBuffer bytes, long publishedMicros) {
        if (fits(bytes.remaining())) {
            queue.add(bytes, publishedMicros);
        }
    }

    /** True if {@code bytes} more may be queued; otherwise sheds the connection. */
    private boolean fits(long bytes) {
        long pending = queue.pendingBytes();
        if (pending > 0 && pending + bytes > limits.maxPendingBytes()) {
            close(CloseReason.PENDING_BYTES);
            return false;
        }
        return true;
    }

    /** True while replay may queue more without crowding out live frames. */
    boolean hasRoomForReplay() {
        return !closed && queue.pendingBytes() < limits.replayHighWater();
    }

    boolean isClosed() {
        return closed;
    }

    IoLoop loop() {
        return loop;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    /**
     * Writes queued frames until done or until the socket accepts no more (then the write listener
     * resumes). Once drained, replays may queue their next events, which are written in the same call.
     */
    void writeQueued() {
        int refills = 0;
        while (!closed && writeOnce() && refillFromReplays()) {
            // A replay queued more while the socket is still writable. After a few rounds, yield: the rest
            // runs as a new task behind whatever else the IO thread has to do (live batches for streams
            // that are caught up), so a resume storm cannot hold an IO thread for a whole history.
            if (++refills == MAX_REFILLS_PER_TASK) {
                loop.thread().execute(this::writeNow);
                return;
            }
        }
    }

    /** One drain of the queue; true if it emptied and flushed. */
    private boolean writeOnce() {
        try {
            deliveredInWrite = 0;
            boolean drained;
            try {
                drained = queue.writeTo(channel, onDelivered);
            } finally {
                reportPending(); // also when the write failed part-way (Undertow may have closed us inside it)
            }
            if (deliveredInWrite > 0) {
                loop.delivered(deliveredInWrite);
            }
            if (!drained || !channel.flush()) {
                becomeUnwritable();
                return false;
            }
            becomeWritable();
            if (closing != null) {
                close(closing);
                return false;
            }
            return true;
        } catch (IOException e) {
            LOG.debug("write failed for {}: {}", exchange.getSourceAddress(), e.toString());
            close(CloseReason.WRITE_ERROR);
            return false;
        }
    }

    /** Lets replaying partitions queue more; true if anything was queued. */
    private boolean refillFromReplays() {
        if (replaysActive == 0) {
            return false;
        }
        for (PartitionState p : partitions) {
            if (p.replaying() && !closed) {
                p.replay().pump();
            }
        }
        return !closed && !queue.isEmpty();
    }

    /**
     * Brings the gateway-wide total up to date with this queue. Done after writes and on the timer, not per
     * queued frame: a frame queued and then written in the same task then costs the shared adder nothing,
     * and a queue the socket will not take is counted within a timer tick.
     */
    private void reportPending() {
        long pending = queue.pendingBytes();
        metrics.pendingChanged(pending - reportedPending);
        reportedPending = pending;
        long peak = queue.peakPendingBytes();
        if (peak > reportedPeak) { // rare: a connection's peak only grows
            metrics.pendingPeak(peak);
            reportedPeak = peak;
        }
    }

    private void delivered(long publishedMicros) {
        if (publishedMicros > 0) {
            deliveredInWrite++;
            if (++delivered % LATENCY_SAMPLE == 0) {
                metrics.latencyMicros(GatewayMetrics.nowMicros() - publishedMicros);
            }
        }
    }

    private void becomeUnwritable() {
        if (unwritableSinceNanos == 0) {
            unwritableSinceNanos = System.nanoTime();
        }
        if (!writesResumed) {
            writesResumed = true;
            channel.resumeWrites();
        }
    }

    private void becomeWritable() {
        long now = System.nanoTime();
        lastWriteNanos = now;
        if (writesResumed) {
            writesResumed = false;
            channel.suspendWrites();
        }
        if (unwritableSinceNanos != 0) {
            metrics.unwritableFor(now - unwritableSinceNanos);
            unwritableSinceNanos = 0;
        }
    }

    /**
     * Called by the IO thread's timer: sheds a connection stuck unwritable, ends one whose token expired
     * (with a notice, so the client knows to resume with a new token), heartbeats an idle one.
     */
    void tick(long nowNanos) {
        if (closed) {
            return;
        }
        metrics.pendingSample(queue.pendingBytes());
        reportPending();
        if (unwritableSinceNanos != 0 && nowNanos - unwritableSinceNanos > limits.maxUnwritableNanos()) {
            close(CloseReason.UNWRITABLE);
        } else if (closing == null && admission.tokenExpiredBy(nowNanos)) {
            closeAfterFlush(admission.tokenExpiry().notice(), CloseReason.TOKEN_EXPIRED);
        } else if (queue.isEmpty() && nowNanos - lastWriteNanos >= limits.heartbeatIntervalNanos()) {
            metrics.heartbeat();
            enqueue(HEARTBEAT.duplicate(), 0);
            writeQueued();
        }
    }

    /** What an operator sees of this connection in the diagnostics. Call on its IO thread. */
    ConnectionInfo info(long nowNanos) {
        return new ConnectionInfo(String.valueOf(exchange.getSourceAddress()),
                Arrays.stream(partitions).flatMap(p -> p.topics().stream()).map(Object::toString).toList(),
                (nowNanos - openedNanos) / 1_000_000, queue.writtenBytes(), queue.pendingBytes(),
                unwritableSinceNanos == 0 ? 0 : (nowNanos - unwritableSinceNanos) / 1_000_000,
                Arrays.stream(partitions).anyMatch(PartitionState::replaying));
    }

    /**
     * Ends the stream after writing {@code lastFrame} (e.g. a retry hint) and whatever is queued; a client
     * too slow to take it is closed by the drain deadline or the unwritable check instead. Nothing new is
     * queued meanwhile: the client resumes from its last event ID.
     */
    void closeAfterFlush(ByteBuffer lastFrame, CloseReason reason) {
        if (closed || closing != null) {
            return;
        }
        closing = reason;
        for (PartitionState p : partitions) {
            p.release();
        }
        queue.add(lastFrame, 0);
        reportPending();
        writeQueued();
    }

    /** Ends the stream with a {@code herald.revoked} notice if {@code revocation} names its token or one of its topics. */
    void revokeIfMatches(Revocation revocation, RetryHints hints) {
        if (closed || closing != null) {
            return;
        }
        boolean matches = admission.tokenMatches(revocation) || revocation.by() == Revocation.By.TOPIC
                && Arrays.stream(partitions).anyMatch(p -> p.topics().stream().anyMatch(t -> t.name().equals(revocation.value())));
        if (matches) {
            closeAfterFlush(RevocationNotice.frame(revocation, hints), CloseReason.REVOKED);
        }
    }

    boolean isClosing() {
        return closing != null;
    }

    /** Ends the stream at once and releases everything it holds, its stream slot included. Idempotent. */
    public void close(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        reportPending();
        for (PartitionState p : partitions) {
            loop.unregister(this, p.topics());
            p.release();
        }
        loop.remove(this);
        if (siblings != null) {
            siblings.remove(this);
        }
        admission.lease().release();
        metrics.closed(reason);
        if (reason.isShed()) {
            LOG.info("shed {} ({}): {}", exchange.getSourceAddress(), reason.tag(), switch (reason) {
                case PENDING_BYTES -> "would queue more than " + limits.maxPendingBytes() + " bytes";
                case UNWRITABLE -> "unwritable for longer than " + limits.maxUnwritableNanos() / 1_000_000 + " ms";
                default -> "the gateway is behind on delivery; the client resumes elsewhere";
            });
        }
        if (Protocols.HTTP_2_0.equals(exchange.getProtocol()) && !reason.isShed()) {
            // End the stream (END_STREAM), do not reset it: Undertow counts the resets it sends on a connection
            // and past 200 in 30 s sends GOAWAY, ending every other stream on it. A shed stream is reset: the
            // client is not taking data, so the end of the stream could not reach it anyway.
            exchange.endExchange();
        } else {
            IoUtils.safeClose(exchange.getConnection()); // HTTP/1.1: the connection; HTTP/2: resets this stream
        }
    }
}
