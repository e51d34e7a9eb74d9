package dev.herald.gateway.connection;

import dev.herald.common.event.StreamId;
import dev.herald.common.sse.SseEncoder;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.dispatch.SharedFrame;
import dev.herald.gateway.read.HistoryPage;
import dev.herald.gateway.read.HistoryPages;
import dev.herald.gateway.read.HistoryReader.StreamFacts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays one partition's history to a resuming connection: the events of its topics with IDs in
 * {@code (resume point, upTo]}, where {@code upTo} is the watermark of the connection's IO loop when the
 * connection registered for live events. Topics are read in shared pages (see {@link HistoryPages}) and
 * merged by ID, so the partition position only moves forward; the next events are queued only while the
 * connection's queue is below its replay high-water mark, so a replay obeys the same bound as live
 * delivery and never starves live frames. When it reaches {@code upTo} it hands over to the held live
 * frames, dropping those it already sent — no gap, no duplicate. If held frames overflowed meanwhile, it
 * first reads on up to the loop's new watermark.
 *
 * <p>Trimmed history: before replaying, the topic's stream facts tell whether history was trimmed past the
 * resume point; while replaying, each page is read including the entry it follows, so a page that no longer
 * finds it tells that history was trimmed past the replay meanwhile. Either way the client gets a
 * {@code herald.reset} notice for what is gone, then the events that remain.
 *
 * <p>Beyond {@code maxEvents} replayed events the client gets a {@code herald.reset} notice and goes
 * straight to live delivery: a resume point too far back cannot make a gateway stream unbounded history.
 *
 * <p>A failed Redis read (Redis down, a failover) is retried every {@link #RETRY_MILLIS} for as long as the
 * connection stays open: the stream is held (heartbeats flow, live frames are held within their budget)
 * and continues from where it was once Redis answers, instead of ending and making its client reconnect
 * into the same outage.
 *
 * <p>Runs on the connection's IO thread; Redis answers are brought back to it.
 */
final class PartitionReplay {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionReplay.class);
    static final long RETRY_MILLIS = 1000;

    private final SseConnection connection;
    private final PartitionState state;
    private final HistoryPages history;
    private final long maxEvents;
    private final TopicReader[] readers;
    private final long startedNanos = System.nanoTime();
    private StreamId upTo;
    private long replayed;
    private boolean started;
    private boolean done;
    private boolean failedBefore;

    /** One topic's frames within the current range. */
    private static final class TopicReader {
        final Topic topic;
        final ArrayDeque<SharedFrame> page = new ArrayDeque<>();
        StreamId readAfter;
        /** True when {@code readAfter} is an entry of this topic's history (the last one taken from a page). */
        boolean readAfterIsEntry;
        boolean exhausted;
        boolean reading;

        TopicReader(Topic topic, StreamId readAfter) {
            this.topic = topic;
            this.readAfter = readAfter;
        }
    }

    PartitionReplay(SseConnection connection, PartitionState state, HistoryPages history, long maxEvents, StreamId from, StreamId upTo) {
        this.connection = connection;
        this.state = state;
        this.history = history;
        this.maxEvents = maxEvents;
        this.upTo = upTo;
        List<Topic> topics = state.topics();
        this.readers = new TopicReader[topics.size()];
        for (int i = 0; i < readers.length; i++) {
            readers[i] = new TopicReader(topics.get(i), from);
        }
        connection.metrics().replayStarted();
    }

    /** Checks for trimmed history (sending a reset notice per affected topic first), then replays. */
    void start() {
        StreamId from = state.position();
        CompletableFuture<?>[] checks = new CompletableFuture<?>[readers.length];
        StreamFacts[] facts = new StreamFacts[readers.length];
        for (int i = 0; i < readers.length; i++) {
            int k = i;
            checks[i] = history.facts(state.partition(), readers[i].topic).thenAccept(f -> facts[k] = f);
        }
        CompletableFuture.allOf(checks).whenComplete((v, error) -> connection.loop().thread().execute(() -> {
            if (done) {
                return;
            }
            if (error != null) {
                retryLater(error, this::start);
                return;
            }
            for (int i = 0; i < readers.length; i++) {
                // History is a contiguous suffix of all that was appended; events after the resume point can
                // be missing only if it was trimmed and now starts later. Conservative: the trimmed entries
                // might all have been older than the resume point.
                StreamId oldest = facts[i].oldestRetained();
                if (facts[i].trimmed() && (oldest == null || oldest.isAfter(from))) {
                    sendReset(readers[i].topic, "history_trimmed", from, oldest);
                }
            }
            started = true;
            pump();
            connection.writeNow();
        }));
    }

    /** Stops the replay (the connection closed). */
    void cancel() {
        if (!done) {
            done = true;
            connection.metrics().replayEnded();
        }
    }

    /** Sends merged events while the connection has room; reads a page when a topic runs dry. */
    void pump() {
        if (!started || done) {
            return;
        }
        int sent = 0;
        while (connection.hasRoomForReplay()) {
            TopicReader next = null;
            for (TopicReader r : readers) {
                if (r.page.isEmpty() && !r.exhausted) {
                    read(r);
                    next = null;
                    break;
                }
                if (!r.page.isEmpty() && (next == null || r.page.peekFirst().id().compareTo(next.page.peekFirst().id()) < 0)) {
                    next = r;
                }
            }
            if (next == null) {
                if (allDone() && !finishRange()) {
                    continue; // held frames overflowed: read on to the new range's end
                }
                break;
            }
            if (replayed >= maxEvents) {
                for (TopicReader r : readers) {
                    sendReset(r.topic, "replay_limit", state.position(), null);
                }
                goLive();
                break;
            }
            connection.enqueueEvent(state, next.page.pollFirst());
            replayed++;
            sent++;
        }
        if (sent > 0) {
            connection.metrics().replayed(sent);
        }
    }

    private boolean allDone() {
        for (TopicReader r : readers) {
            if (!r.exhausted || !r.page.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private void read(TopicReader r) {
        if (r.reading) {
            return;
        }
        r.reading = true;
        history.page(state.partition(), r.topic, r.readAfter, upTo).whenComplete((page, error) ->
                connection.loop().thread().execute(() -> {
                    r.reading = false;
                    if (done) {
                        return;
                    }
                    if (error != null) {
                        retryLater(error, () -> {
                            pump();
                            connection.writeNow();
                        });
                        return;
                    }
                    take(r, page);
                    pump();
                    connection.writeNow();
                }));
    }

    /**
     * Keeps the page's frames up to {@code upTo}. The topic is exhausted when the page ends history, passes
     * {@code upTo} or ends exactly there (no read is needed to learn that nothing more is due).
     */
    private void take(TopicReader r, HistoryPage page) {
        if (r.readAfterIsEntry && !page.followsStart()) {
            // History was trimmed past what this replay had read while it replayed: the entries in between
            // are gone. (The start check covers the resume point, which is rarely an entry of this topic.)
            sendReset(r.topic, "history_trimmed", r.readAfter, page.frames().isEmpty() ? null : page.frames().get(0).id());
        }
        for (SharedFrame f : page.frames()) {
            if (f.id().isAfter(upTo)) {
                r.exhausted = true;
                return;
            }
            r.page.add(f);
            r.readAfter = f.id();
            r.readAfterIsEntry = true;
        }
        r.exhausted = !page.full() || r.readAfter.compareTo(upTo) >= 0;
    }

    /**
     * Everything up to {@code upTo} is sent. If held live frames overflowed, read on to the loop's
     * current position (all of them are in history) and return false; otherwise go live and return true.
     */
    private boolean finishRange() {
        state.skipTo(upTo);
        if (state.takeHeldOverflow()) {
            upTo = connection.loop().watermark(state.partition());
            for (TopicReader r : readers) {
                r.readAfter = state.position();
                r.readAfterIsEntry = false;
                r.exhausted = false;
            }
            return false;
        }
        goLive();
        return true;
    }

    /** Sends the held live frames that are newer than what was replayed, and hands over to live delivery. */
    private void goLive() {
        done = true;
        connection.replayEnded();
        connection.metrics().replayEnded();
        connection.metrics().caughtUpAfter(System.nanoTime() - startedNanos);
        if (replayed >= maxEvents) {
            state.skipTo(connection.loop().watermark(state.partition()));
        }
        for (SharedFrame frame : state.finishReplay()) {
            connection.enqueueEvent(state, frame);
        }
    }

    private void sendReset(Topic topic, String reason, StreamId from, StreamId oldest) {
        connection.metrics().reset();
        String data = "{\"topic\":\"" + topic.name() + "\",\"reason\":\"" + reason + "\",\"resumeFrom\":\""
                + state.partition() + ":" + from + "\",\"oldestRetained\":"
                + (oldest == null ? "null" : "\"" + state.partition() + ":" + oldest + "\"") + "}";
        String frame = SseEncoder.appendEvent(new StringBuilder(), null, StreamEvents.RESET, -1, data).toString();
        connection.enqueue(ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8)), 0);
    }

    /** Runs {@code again} on the IO thread after the retry delay, unless the replay ended meanwhile. */
    private void retryLater(Throwable error, Runnable again) {
        connection.metrics().replayRetried();
        if (!failedBefore) {
            failedBefore = true; // once per replay: an outage would otherwise log once a second per stream
            LOG.info("history read for partition {} failed ({}); retrying every {} ms while the stream stays open",
                    state.partition(), error.toString(), RETRY_MILLIS);
        }
        connection.loop().thread().executeAfter(() -> {
            if (!done) {
                again.run();
            }
        }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
}
