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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails partition feeds with {@code XREAD BLOCK} on its own connection and hands what it reads to the
 * {@link Dispatcher}. It always reads after an explicit last-seen ID (never {@code $}), so after a Redis
 * outage or reconnect it continues exactly where it stopped and skips nothing still in the feed. While an IO
 * loop has more than its bound waiting, it does not read: the backlog stays in Redis.
 */
public final class FeedTailer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(FeedTailer.class);
    private static final int MAX_KNOWN_TOPICS = 10_000;

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
    private volatile boolean running = true;
    private volatile boolean started;

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
                long paused = dispatcher.awaitRoom(() -> running);
                if (paused > 0) {
                    metrics.pausedFor(paused);
                }
                if (paused >= 0) {
                    readOnce(redis);
                }
                backoffMillis = 50;
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                LOG.warn("redis read failed ({}); retrying from the last seen ids in {} ms", e.toString(), backoffMillis);
                metrics.readFailed();
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 1000);
            }
        }
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

    @SuppressWarnings("unchecked")
    private void readOnce(RedisClusterCommands<String, String> redis) {
        XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            offsets[i] = XReadArgs.StreamOffset.from(feedKeys[i], positions[i].toString());
        }
        List<StreamMessage<String, String>> messages =
                redis.xread(XReadArgs.Builder.block(block).count(count), offsets);
        if (messages == null || messages.isEmpty()) {
            return;
        }
        // XREAD answers stream by stream, each in ID order; dispatch each partition's run as one batch.
        int from = 0;
        while (from < messages.size()) {
            String stream = messages.get(from).getStream();
            int to = from;
            while (to < messages.size() && messages.get(to).getStream().equals(stream)) {
                to++;
            }
            dispatchRun(indexOfKey.get(stream), messages.subList(from, to));
            from = to;
        }
    }

    /** Dispatches one feed's run of entries; {@code index} is the feed's place in {@link #partitions}. */
    private void dispatchRun(int index, List<StreamMessage<String, String>> run) {
        List<Event> events = new ArrayList<>(run.size());
        for (StreamMessage<String, String> m : run) {
            events.add(EntryFields.toEvent(topic(m.getBody().get(EntryFields.TOPIC)), StreamId.parse(m.getId()), m.getBody()));
        }
        dispatcher.dispatch(partitions[index], events);
        Event last = events.get(events.size() - 1);
        positions[index] = last.id();
        read.set(partitions[index], last.id());
        metrics.dispatched(events.size(), last.publishedMicros());
    }

    private Topic topic(String name) {
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

        /** The tailer waited this long before reading, because an IO loop had more than its bound waiting. */
        void pausedFor(long nanos);
    }
}
