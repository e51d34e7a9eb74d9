package dev.herald.gateway.connection;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.sse.SseEncoder;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.dispatch.Dispatcher;
import dev.herald.gateway.dispatch.SharedFrame;
import dev.herald.gateway.read.HistoryReader;
import dev.herald.gateway.read.HistoryReader.TrimCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays one partition's history to a resuming connection: the events of its topics with IDs in
 * {@code (resume point, upTo]}, where {@code upTo} is what the dispatcher had already dispatched when the
 * connection registered for live events. Topics are read in pages and merged by ID, so the partition
 * position only moves forward; a page is read only when the connection's queue has room, so a replay
 * obeys the same bound as live delivery. When it reaches {@code upTo} it hands over to the held live
 * frames, dropping those it already sent — no gap, no duplicate. If held frames overflowed meanwhile, it
 * first reads on up to the dispatcher's new position.
 *
 * <p>Runs on the connection's IO thread; Redis answers are brought back to it.
 */
final class PartitionReplay {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionReplay.class);

    private final SseConnection connection;
    private final PartitionState state;
    private final HistoryReader history;
    private final Dispatcher dispatcher;
    private final TopicReader[] readers;
    private StreamId upTo;
    private boolean started;
    private boolean cancelled;

    /** One topic's pages within the current range. */
    private static final class TopicReader {
        final Topic topic;
        final ArrayDeque<Event> page = new ArrayDeque<>();
        StreamId readAfter;
        boolean exhausted;
        boolean reading;

        TopicReader(Topic topic, StreamId readAfter) {
            this.topic = topic;
            this.readAfter = readAfter;
        }
    }

    PartitionReplay(SseConnection connection, PartitionState state, HistoryReader history, Dispatcher dispatcher,
                    StreamId from, StreamId upTo) {
        this.connection = connection;
        this.state = state;
        this.history = history;
        this.dispatcher = dispatcher;
        this.upTo = upTo;
        List<Topic> topics = state.topics();
        this.readers = new TopicReader[topics.size()];
        for (int i = 0; i < readers.length; i++) {
            readers[i] = new TopicReader(topics.get(i), from);
        }
    }

    /** Checks for trimmed history (sending a reset notice per affected topic first), then replays. */
    void start() {
        StreamId from = state.position();
        CompletableFuture<?>[] checks = new CompletableFuture<?>[readers.length];
        TrimCheck[] results = new TrimCheck[readers.length];
        for (int i = 0; i < readers.length; i++) {
            int k = i;
            checks[i] = history.checkTrimmed(state.partition(), readers[i].topic, from).thenAccept(r -> results[k] = r);
        }
        CompletableFuture.allOf(checks).whenComplete((v, error) -> connection.loop().thread().execute(() -> {
            if (cancelled) {
                return;
            }
            if (error != null) {
                fail(error);
                return;
            }
            for (int i = 0; i < readers.length; i++) {
                if (results[i].eventsMayBeLost()) {
                    sendReset(readers[i].topic, from, results[i].oldestRetained());
                }
            }
            started = true;
            pump();
            connection.flush();
        }));
    }

    void cancel() {
        cancelled = true;
    }

    /** Sends merged events while the connection has room; reads a page when a topic runs dry. */
    void pump() {
        if (!started || cancelled) {
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
            Event e = next.page.pollFirst();
            connection.enqueueEvent(state, SharedFrame.encode(state.partition(), e));
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
        history.page(state.partition(), r.topic, r.readAfter, upTo).whenComplete((events, error) ->
                connection.loop().thread().execute(() -> {
                    r.reading = false;
                    if (cancelled) {
                        return;
                    }
                    if (error != null) {
                        fail(error);
                        return;
                    }
                    r.page.addAll(events);
                    if (!events.isEmpty()) {
                        r.readAfter = events.get(events.size() - 1).id();
                    }
                    r.exhausted = events.size() < history.pageSize();
                    pump();
                    connection.flush();
                }));
    }

    /**
     * Everything up to {@code upTo} is sent. If held live frames overflowed, read on to the dispatcher's
     * current position (all of them are in history) and return false; otherwise send the held frames, go
     * live and return true.
     */
    private boolean finishRange() {
        if (state.position().compareTo(upTo) < 0) {
            state.advanceTo(upTo);
        }
        if (state.takeHeldOverflow()) {
            upTo = dispatcher.lastDispatched(state.partition());
            for (TopicReader r : readers) {
                r.readAfter = state.position();
                r.exhausted = false;
            }
            return false;
        }
        for (SharedFrame frame : state.finishReplay()) {
            connection.enqueueEvent(state, frame);
        }
        return true;
    }

    private void sendReset(Topic topic, StreamId from, StreamId oldest) {
        connection.metrics().reset();
        String data = "{\"topic\":\"" + topic.name() + "\",\"reason\":\"history_trimmed\",\"resumeFrom\":\""
                + state.partition() + ":" + from + "\",\"oldestRetained\":"
                + (oldest == null ? "null" : "\"" + state.partition() + ":" + oldest + "\"") + "}";
        String frame = SseEncoder.appendEvent(new StringBuilder(), null, "herald.reset", -1, data).toString();
        connection.enqueue(ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8)), 0);
    }

    private void fail(Throwable error) {
        LOG.warn("replay of partition {} failed: {}", state.partition(), error.toString());
        connection.close(CloseReason.REPLAY_FAILED);
    }
}
