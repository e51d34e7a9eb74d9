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

/**
 * History reads shared by all resuming connections of a gateway, so that a resume storm costs Redis about
 * one {@code XRANGE} per page, not one per client per page:
 * <ul>
 *   <li>a read already in flight for the same page is joined, not repeated;</li>
 *   <li>full pages are kept (up to a byte budget) and also serve clients whose resume point falls inside
 *       them: they get the rest of the page and continue on the same page boundaries as everyone else;</li>
 *   <li>at most {@code maxReadsInFlight} reads go to Redis at once; the rest wait their turn in order, so
 *       a storm of replays cannot crowd out Redis or the gateway.</li>
 * </ul>
 * Pages and stream facts are safe to share because history only grows at its end and is trimmed at its
 * start: a full page never changes. Thread-safe; callbacks run on the Redis client's threads.
 */
public final class HistoryPages {
    /** How long stream facts (for the trim check) are reused. */
    private static final long FACTS_TTL_NANOS = 1_000_000_000L;

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

    private record TimedFacts(CompletableFuture<StreamFacts> facts, long readAtNanos) {
    }

    private final HistoryReader reader;
    private final PageMetrics metrics;
    private final int maxReadsInFlight;
    private final long cacheBudgetBytes;
    private final Map<PageKey, CompletableFuture<HistoryPage>> inFlight = new HashMap<>();
    private final Map<TopicKey, TreeMap<StreamId, HistoryPage>> cached = new HashMap<>();
    private final ArrayDeque<PageKey> cacheOrder = new ArrayDeque<>();
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private final Map<TopicKey, TimedFacts> facts = new HashMap<>();
    private long cachedBytes;
    private int reading;

    public HistoryPages(HistoryReader reader, PageMetrics metrics, int maxReadsInFlight, long cacheBudgetBytes) {
        this.reader = reader;
        this.metrics = metrics;
        this.maxReadsInFlight = maxReadsInFlight;
        this.cacheBudgetBytes = cacheBudgetBytes;
    }

    public int pageSize() {
        return reader.pageSize();
    }

    /** The events of {@code topic} after {@code after}: a page, or the rest of a cached page that covers it. */
    public CompletableFuture<HistoryPage> page(int partition, Topic topic, StreamId after) {
        TopicKey topicKey = new TopicKey(partition, topic);
        PageKey key = new PageKey(topicKey, after);
        Runnable start = null;
        CompletableFuture<HistoryPage> future;
        synchronized (this) {
            HistoryPage hit = cachedFrom(topicKey, after);
            if (hit != null) {
                metrics.pageShared();
                return CompletableFuture.completedFuture(hit);
            }
            CompletableFuture<HistoryPage> pending = inFlight.get(key);
            if (pending != null) {
                metrics.pageShared();
                return pending;
            }
            future = new CompletableFuture<>();
            inFlight.put(key, future);
            long queuedAt = System.nanoTime();
            Runnable read = () -> {
                metrics.readQueuedFor(System.nanoTime() - queuedAt);
                metrics.pageRead();
                reader.page(partition, topic, after).whenComplete((page, error) -> finished(key, page, error, future));
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

    /** Stream facts of a topic, read at most about once a second however many clients resume it. */
    public CompletableFuture<StreamFacts> facts(int partition, Topic topic) {
        TopicKey key = new TopicKey(partition, topic);
        synchronized (this) {
            TimedFacts known = facts.get(key);
            long now = System.nanoTime();
            if (known != null && now - known.readAtNanos() < FACTS_TTL_NANOS) {
                return known.facts();
            }
            if (facts.size() > 10_000) {
                facts.clear();
            }
            CompletableFuture<StreamFacts> read = reader.facts(partition, topic);
            facts.put(key, new TimedFacts(read, now));
            return read;
        }
    }

    private void finished(PageKey key, HistoryPage page, Throwable error, CompletableFuture<HistoryPage> future) {
        Runnable next;
        synchronized (this) {
            inFlight.remove(key);
            if (error == null && page.full()) {
                remember(key, page);
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

    /** A cached page that holds events after {@code after}, cut to start right after it. */
    private HistoryPage cachedFrom(TopicKey topic, StreamId after) {
        TreeMap<StreamId, HistoryPage> pages = cached.get(topic);
        if (pages == null) {
            return null;
        }
        Map.Entry<StreamId, HistoryPage> floor = pages.floorEntry(after);
        if (floor == null) {
            return null;
        }
        List<SharedFrame> frames = floor.getValue().frames();
        if (!frames.get(frames.size() - 1).id().isAfter(after)) {
            return null;
        }
        int from = 0;
        while (!frames.get(from).id().isAfter(after)) {
            from++;
        }
        return from == 0 ? floor.getValue() : new HistoryPage(frames.subList(from, frames.size()), true);
    }

    private void remember(PageKey key, HistoryPage page) {
        if (page.frames().isEmpty()) {
            return;
        }
        HistoryPage previous = cached.computeIfAbsent(key.topic(), k -> new TreeMap<>()).put(key.after(), page);
        if (previous != null) {
            cachedBytes -= previous.bytes();
        } else {
            cacheOrder.add(key);
        }
        cachedBytes += page.bytes();
        while (cachedBytes > cacheBudgetBytes && !cacheOrder.isEmpty()) {
            PageKey oldest = cacheOrder.poll();
            TreeMap<StreamId, HistoryPage> pages = cached.get(oldest.topic());
            HistoryPage dropped = pages == null ? null : pages.remove(oldest.after());
            if (dropped != null) {
                cachedBytes -= dropped.bytes();
            }
            if (pages != null && pages.isEmpty()) {
                cached.remove(oldest.topic());
            }
        }
    }
}
