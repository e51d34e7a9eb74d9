package dev.herald.gateway.read;

import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.dispatch.SharedFrame;
import dev.herald.gateway.read.HistoryReader.StreamFacts;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * History reads shared by all resuming connections of a gateway, so that a resume storm costs Redis about
 * one {@code XRANGE} per page, not one per client per page:
 * <ul>
 *   <li>a read already in flight for the same page is joined, not repeated;</li>
 *   <li>pages are kept (up to a byte budget) and also serve clients whose resume point falls inside
 *       them: they get the rest of the page and continue on the same page boundaries as everyone else;</li>
 *   <li>a short page (the end of history when it was read) serves only clients whose replay ends at or
 *       before what the tailers had read of the partition when the read began: everything up to that point was in
 *       history then, since the feed entry and the history entry are appended together;</li>
 *   <li>at most {@code maxReadsInFlight} reads go to Redis at once; the rest wait their turn in order, so
 *       a storm of replays cannot crowd out Redis or the gateway.</li>
 * </ul>
 * Pages are safe to share because history only grows at its end and is trimmed at its start: a full page
 * never changes. Stream facts are shared only while they are read. Thread-safe; callbacks run on the Redis
 * client's threads.
 */
public final class HistoryPages {
    /** Counters the page source reports. */
    public interface PageMetrics {
        void pageRead();

        void pageShared();

        void readQueuedFor(long nanos);
    }

    private record TopicKey(int partition, Topic topic) {
    }

    private record PageKey(TopicKey topic, StreamId after) {
    }

    /** A page and the partition position up to which it holds every event of its topic (after its start). */
    private record Covered<T>(T page, StreamId coveredUpTo) {
        boolean covers(StreamId upTo) {
            return coveredUpTo.compareTo(upTo) >= 0;
        }
    }

    private static final StreamId EVERYTHING = new StreamId(Long.MAX_VALUE, Long.MAX_VALUE);

    private final HistoryReader reader;
    private final IntFunction<StreamId> dispatchedUpTo;
    private final PageMetrics metrics;
    private final int maxReadsInFlight;
    private final long cacheBudgetBytes;
    private final Map<PageKey, Covered<CompletableFuture<HistoryPage>>> inFlight = new HashMap<>();
    private final Map<TopicKey, TreeMap<StreamId, Covered<HistoryPage>>> cached = new HashMap<>();
    private final ArrayDeque<PageKey> cacheOrder = new ArrayDeque<>();
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    /** Stream facts being read, shared by the resumes that ask meanwhile; never kept once read (see {@link #facts}). */
    private final Map<TopicKey, CompletableFuture<StreamFacts>> factsInFlight = new HashMap<>();
    private long cachedBytes;
    private int reading;

    /**
     * @param dispatchedUpTo the ID up to which the tailers have read a partition's feed (and so everything up to it is in history)
     */
    public HistoryPages(HistoryReader reader, IntFunction<StreamId> dispatchedUpTo, PageMetrics metrics, int maxReadsInFlight,
                        long cacheBudgetBytes) {
        this.reader = reader;
        this.dispatchedUpTo = dispatchedUpTo;
        this.metrics = metrics;
        this.maxReadsInFlight = maxReadsInFlight;
        this.cacheBudgetBytes = cacheBudgetBytes;
    }

    /**
     * The events of {@code topic} after {@code after}, for a replay that ends at {@code upTo}: a page, or the
     * rest of a cached page that covers it.
     */
    public CompletableFuture<HistoryPage> page(int partition, Topic topic, StreamId after, StreamId upTo) {
        TopicKey topicKey = new TopicKey(partition, topic);
        PageKey key = new PageKey(topicKey, after);
        Runnable start = null;
        CompletableFuture<HistoryPage> future;
        synchronized (this) {
            HistoryPage hit = cachedFrom(topicKey, after, upTo);
            if (hit != null) {
                metrics.pageShared();
                return CompletableFuture.completedFuture(hit);
            }
            Covered<CompletableFuture<HistoryPage>> pending = inFlight.get(key);
            if (pending != null && pending.covers(upTo)) {
                metrics.pageShared();
                return pending.page();
            }
            future = new CompletableFuture<>();
            StreamId covered = dispatchedUpTo.apply(partition);
            inFlight.put(key, new Covered<>(future, covered));
            long queuedAt = System.nanoTime();
            Runnable read = () -> {
                metrics.readQueuedFor(System.nanoTime() - queuedAt);
                metrics.pageRead();
                reader.page(partition, topic, after).whenComplete((page, error) -> finished(key, page, covered, error, future));
            };
            if (reading < maxReadsInFlight) {
                reading++;
                start = read;
            } else {
                waiting.add(read);
            }
        }
        if (start != null) {
            start.run();
        }
        return future;
    }

    /**
     * Stream facts of a topic: the resumes that ask while a read is in flight share it, and a later one reads
     * again. Facts kept after their read could say "not trimmed" about a history trimmed since, and a client
     * would then miss events without the reset notice (one read per resume is cheap: XINFO STREAM is O(1)).
     */
    public CompletableFuture<StreamFacts> facts(int partition, Topic topic) {
        TopicKey key = new TopicKey(partition, topic);
        CompletableFuture<StreamFacts> read;
        synchronized (this) {
            CompletableFuture<StreamFacts> pending = factsInFlight.get(key);
            if (pending != null) {
                return pending;
            }
            read = new CompletableFuture<>();
            factsInFlight.put(key, read);
        }
        reader.facts(partition, topic).whenComplete((facts, error) -> {
            synchronized (this) {
                factsInFlight.remove(key, read);
            }
            if (error != null) {
                read.completeExceptionally(error);
            } else {
                read.complete(facts);
            }
        });
        return read;
    }

    private void finished(PageKey key, HistoryPage page, StreamId covered, Throwable error, CompletableFuture<HistoryPage> future) {
        Runnable next;
        synchronized (this) {
            Covered<CompletableFuture<HistoryPage>> current = inFlight.get(key);
            if (current != null && current.page() == future) {
                inFlight.remove(key);
            }
            if (error == null) {
                remember(key, new Covered<>(page, page.full() ? EVERYTHING : covered));
            }
            next = waiting.poll();
            if (next == null) {
                reading--;
            }
        }
        if (next != null) {
            next.run();
        }
        if (error != null) {
            future.completeExceptionally(error);
        } else {
            future.complete(page);
        }
    }

    /**
     * A cached page that holds what comes after {@code after}, cut to start right after it: a full page that
     * reaches past {@code after}, or a short one that covers the replay's end {@code upTo}.
     */
    private HistoryPage cachedFrom(TopicKey topic, StreamId after, StreamId upTo) {
        TreeMap<StreamId, Covered<HistoryPage>> pages = cached.get(topic);
        if (pages == null) {
            return null;
        }
        Map.Entry<StreamId, Covered<HistoryPage>> floor = pages.floorEntry(after);
        if (floor == null) {
            return null;
        }
        HistoryPage page = floor.getValue().page();
        List<SharedFrame> frames = page.frames();
        boolean reachesPast = !frames.isEmpty() && frames.get(frames.size() - 1).id().isAfter(after);
        if (page.full() ? !reachesPast : !floor.getValue().covers(upTo)) {
            return null;
        }
        int from = 0;
        while (from < frames.size() && !frames.get(from).id().isAfter(after)) {
            from++;
        }
        if (from == 0) {
            return page;
        }
        // A cut page follows `after` exactly when `after` is one of its entries.
        return new HistoryPage(frames.subList(from, frames.size()), page.full() && from < frames.size(), frames.get(from - 1).id().equals(after));
    }

    private void remember(PageKey key, Covered<HistoryPage> page) {
        Covered<HistoryPage> previous = cached.computeIfAbsent(key.topic(), k -> new TreeMap<>()).put(key.after(), page);
        if (previous != null) {
            cachedBytes -= previous.page().bytes();
        } else {
            cacheOrder.add(key);
        }
        cachedBytes += page.page().bytes();
        while (cachedBytes > cacheBudgetBytes && !cacheOrder.isEmpty()) {
            PageKey oldest = cacheOrder.poll();
            TreeMap<StreamId, Covered<HistoryPage>> pages = cached.get(oldest.topic());
            Covered<HistoryPage> dropped = pages == null ? null : pages.remove(oldest.after());
            if (dropped != null) {
                cachedBytes -= dropped.page().bytes();
            }
            if (pages != null && pages.isEmpty()) {
                cached.remove(oldest.topic());
            }
        }
    }
}
