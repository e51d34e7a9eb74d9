package dev.herald.gateway.read;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.redis.EntryFields;
import dev.herald.common.redis.KeyLayout;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.dispatch.Dispatcher;
import io.lettuce.core.Range;
import io.lettuce.core.Limit;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import dev.herald.common.redis.RedisLink;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails partition feeds with {@code XREAD BLOCK} on its own connection and hands what it reads to the
 * {@link Dispatcher}. It always reads after an explicit last-seen ID (never {@code $}), so after a Redis
 * outage or reconnect it continues exactly where it stopped and skips nothing still in the feed. While an IO
 * loop has more than its bound waiting, it does not read: the backlog stays in Redis.
 *
 * <p>Continuity: a feed is trimmed at its start, so a tailer that fell behind by more than the feed's length
 * finds its position trimmed and {@code XREAD} silently answers from the first retained entry. The tailer
 * then marks the run discontinuous, and the IO loops send that partition's streams back to replay through
 * topic histories (see {@link dev.herald.gateway.dispatch.LiveBatch}). Whether entries were lost is asked
 * only when it can have happened, so the hot path pays nothing: a trim past the position needs at least a
 * feed's length of entries after it, which a read sees as a full run (count ≤ feed length) or as the whole
 * feed (count > feed length, only after the tailer stalled or failed); so the check runs for a full run,
 * and for every run read after a failure, a pause for room or a stall (a read or the time between reads
 * longer than the block period plus {@link #STALL_MARGIN_NANOS}: a GC pause, CPU starvation, SIGSTOP).
 * The check ({@code XREVRANGE feed position - COUNT 1}) is exact in one direction: if anything at or
 * before the position is still retained, nothing after it was trimmed (trimming removes a prefix). An
 * empty answer is taken as a gap, which at worst costs a replay that finds nothing missing.
 *
 * <p>An entry that cannot be decoded (missing fields, a bad topic name) is skipped, counted and logged
 * once per kind of fault: it is never retried. Confined to its own thread.
 */
public final class FeedTailer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(FeedTailer.class);
    private static final int MAX_KNOWN_TOPICS = 10_000;
    private static final long STALL_MARGIN_NANOS = 1_000_000_000L;
    private static final int MAX_LOGGED_FAULTS = 100;
    /**
     * How long the tailer waits after a read that brought entries but no full run, before reading again. At a
     * high publish rate each {@code XREAD} then brings a millisecond's entries instead of the one or two that
     * arrived during the last round trip: a third of the reads (measured at 20k events/s), and of their
     * wake-ups on every IO loop and Redis's work to answer them, for at most a millisecond more delivery
     * latency. A read that came back empty (the block ran out) or full (the tailer is behind) is followed
     * at once.
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RedisLink connection;
    private final int[] partitions;
    private final Dispatcher dispatcher;
    private final FeedPositions read;
    private final TailerMetrics metrics;
    private final Duration block;
    private final int count;
    private final String[] feedKeys;
    private final StreamId[] positions;
    private final Map<String, Integer> indexOfKey = new HashMap<>();
    /**
     * Topics met in the feeds, so a name read again is not validated again (the publisher validated it);
     * only this tailer's thread uses it. Forgotten wholesale past {@link #MAX_KNOWN_TOPICS}.
     */
    private final Map<String, Topic> knownTopics = new HashMap<>();
    /** Kinds of undecodable entries already logged (each is logged once). */
    private final Set<String> loggedFaults = new HashSet<>();
    /** Set when the next read may follow a gap: after a failure, a pause or a stall. */
    private boolean checkNext;
    private long lastReadEndNanos;
    private volatile boolean running = true;
    private volatile boolean started;
    /** When the loop last went round (a read done or failed, or a poll while waiting for room), for liveness. */
    private volatile long lastRoundNanos = System.nanoTime();

    public FeedTailer(RedisLink connection, KeyLayout keys, int[] partitions, Dispatcher dispatcher, FeedPositions read,
                      TailerMetrics metrics, Duration block, int count) {
        this.connection = connection;
        this.partitions = partitions.clone();
        this.dispatcher = dispatcher;
        this.read = read;
        this.metrics = metrics;
        this.block = block;
        this.count = count;
        this.positions = new StreamId[partitions.length];
        this.feedKeys = new String[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            feedKeys[i] = keys.feed(partitions[i]);
            indexOfKey.put(feedKeys[i], i);
        }
    }

    /** True once the tailer knows where every feed it reads stands. */
    public boolean isStarted() {
        return started;
    }

    /**
     * When ({@link System#nanoTime()}) the tailer's loop last went round: a read completed or failed (Redis
     * down is not a stuck tailer), or it polled while waiting for an IO loop to have room.
     */
    public long lastRoundNanos() {
        return lastRoundNanos;
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        RedisClusterCommands<String, String> redis = connection.sync();
        long backoffMillis = 50;
        while (running) {
            try {
                if (!started) {
                    startAtFeedEnds(redis);
                }
                long paused = dispatcher.awaitRoom(this::stillRunning);
                if (paused > 0) {
                    metrics.pausedFor(paused);
                    checkNext = true; // the backlog stayed in Redis meanwhile, where it may have been trimmed
                }
                if (paused >= 0 && readOnce(redis)) {
                    LockSupport.parkNanos(GATHER_NANOS);
                }
                backoffMillis = 50;
            } catch (Throwable e) { // an Error too: a dead tailer would silently end live delivery
                if (!running) {
                    break;
                }
                if (e instanceof RuntimeException) {
                    LOG.warn("redis read failed ({}); retrying from the last seen ids in {} ms", e.toString(), backoffMillis);
                } else {
                    LOG.error("tailer failed; retrying from the last seen ids in {} ms", backoffMillis, e);
                }
                metrics.readFailed();
                checkNext = true;
                lastRoundNanos = System.nanoTime();
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 1000);
            }
        }
    }

    private boolean stillRunning() {
        lastRoundNanos = System.nanoTime();
        return running;
    }

    /** A fresh gateway delivers from now on: each feed's current last entry is its starting point. */
    private void startAtFeedEnds(RedisClusterCommands<String, String> redis) {
        for (int i = 0; i < partitions.length; i++) {
            List<StreamMessage<String, String>> last = redis.xrevrange(feedKeys[i], Range.unbounded(), Limit.from(1));
            positions[i] = last.isEmpty() ? StreamId.ZERO : StreamId.parse(last.get(0).getId());
            dispatcher.startAt(partitions[i], positions[i]);
            read.set(partitions[i], positions[i]);
        }
        started = true;
    }

    /** Reads and dispatches once; true if it brought entries but no run as long as {@link #count}. */
    @SuppressWarnings("unchecked")
    private boolean readOnce(RedisClusterCommands<String, String> redis) {
        XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            offsets[i] = XReadArgs.StreamOffset.from(feedKeys[i], positions[i].toString());
        }
        long start = System.nanoTime();
        List<StreamMessage<String, String>> messages =
                redis.xread(XReadArgs.Builder.block(block).count(count), offsets);
        long end = System.nanoTime();
        lastRoundNanos = end;
        long stall = block.toNanos() + STALL_MARGIN_NANOS;
        // A stall during the read may have come after Redis answered: then the next read is the one at risk.
        boolean stalledInRead = end - start > stall;
        boolean suspect = checkNext || stalledInRead || (lastReadEndNanos != 0 && start - lastReadEndNanos > STALL_MARGIN_NANOS);
        checkNext = stalledInRead;
        lastReadEndNanos = end;
        if (messages == null || messages.isEmpty()) {
            return false;
        }
        boolean partial = true;
        // XREAD answers stream by stream, each in ID order; dispatch each partition's run as one batch.
        int from = 0;
        while (from < messages.size()) {
            String stream = messages.get(from).getStream();
            int to = from;
            while (to < messages.size() && messages.get(to).getStream().equals(stream)) {
                to++;
            }
            int index = indexOfKey.get(stream);
            List<StreamMessage<String, String>> run = messages.subList(from, to);
            boolean full = run.size() >= count;
            partial &= !full;
            boolean continuous = !(suspect || full) || retainsPosition(redis, index);
            dispatchRun(index, run, continuous);
            from = to;
        }
        return partial;
    }

    /** True if the feed still holds an entry at or before the tailer's position: nothing after it was trimmed. */
    private boolean retainsPosition(RedisClusterCommands<String, String> redis, int index) {
        Range<String> upToPosition = Range.from(Range.Boundary.unbounded(), Range.Boundary.including(positions[index].toString()));
        if (!redis.xrevrange(feedKeys[index], upToPosition, Limit.from(1)).isEmpty()) {
            return true;
        }
        metrics.discontinuity();
        LOG.warn("feed {} was trimmed past this gateway's position {}; its streams replay from history", feedKeys[index], positions[index]);
        return false;
    }

    /** Dispatches one feed's run of entries; {@code index} is the feed's place in {@link #partitions}. */
    private void dispatchRun(int index, List<StreamMessage<String, String>> run, boolean continuous) {
        List<Event> events = new ArrayList<>(run.size());
        for (StreamMessage<String, String> m : run) {
            Event event = decode(m);
            if (event != null) {
                events.add(event);
            }
        }
        StreamId last = StreamId.parse(run.get(run.size() - 1).getId());
        dispatcher.dispatch(partitions[index], events, last, continuous);
        positions[index] = last;
        read.set(partitions[index], last);
        if (!events.isEmpty()) {
            metrics.dispatched(events.size(), events.get(events.size() - 1).publishedMicros());
        }
    }

    /** The entry's event, or null (counted, logged once per kind) if it cannot be decoded. */
    private Event decode(StreamMessage<String, String> m) {
        try {
            return EntryFields.toEvent(topic(m.getBody().get(EntryFields.TOPIC)), StreamId.parse(m.getId()), m.getBody());
        } catch (RuntimeException e) {
            metrics.undecodable();
            String kind = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (loggedFaults.size() < MAX_LOGGED_FAULTS && loggedFaults.add(kind)) {
                LOG.error("skipping undecodable feed entry {} of {} ({}); later entries with this fault are only counted",
                        m.getId(), m.getStream(), kind);
            }
            return null;
        }
    }

    private Topic topic(String name) {
        if (name == null) {
            throw new IllegalArgumentException("no topic field");
        }
        Topic known = knownTopics.get(name);
        if (known == null) {
            if (knownTopics.size() >= MAX_KNOWN_TOPICS) {
                knownTopics.clear();
            }
            known = Topic.of(name);
            knownTopics.put(name, known);
        }
        return known;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the tailer reports to metrics. */
    public interface TailerMetrics {
        void dispatched(int events, long lastPublishedMicros);

        void readFailed();

        /** A feed entry could not be decoded and was skipped. */
        void undecodable();

        /** A feed was found trimmed past the tailer's position. */
        void discontinuity();

        /** The tailer waited this long before reading, because an IO loop had more than its bound waiting. */
        void pausedFor(long nanos);
    }
}
