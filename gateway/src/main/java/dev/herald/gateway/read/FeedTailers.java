package dev.herald.gateway.read;

import dev.herald.common.redis.RedisConnector;
import dev.herald.common.redis.RedisLink;
import dev.herald.gateway.dispatch.Dispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The gateway's feed readers, each on its own thread and its own blocking connection. On one Redis (or a
 * Sentinel-managed master) a single tailer reads all partition feeds with one {@code XREAD}. On Redis
 * Cluster an {@code XREAD} may only name keys of one hash slot, and each partition has a slot of its own,
 * so there is one tailer per partition; each connects only to the node that serves its partition.
 */
public final class FeedTailers implements AutoCloseable {
    private final List<FeedTailer> tailers = new ArrayList<>();
    private final List<RedisLink> links = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Longer than any healthy round of a tailer's loop: a blocked read that times out, then the longest back-off. */
    private final long stallLimitNanos;

    public FeedTailers(RedisConnector redis, Dispatcher dispatcher, FeedPositions read, FeedTailer.TailerMetrics metrics,
                       Duration block, int count) {
        stallLimitNanos = redis.settings().commandTimeout().plus(block.multipliedBy(3)).plusSeconds(1).toNanos();
        int partitions = redis.settings().partitions().count();
        List<int[]> groups = redis.settings().cluster()
                ? IntStream.range(0, partitions).mapToObj(p -> new int[]{p}).toList()
                : List.of(IntStream.range(0, partitions).toArray());
        for (int[] group : groups) {
            RedisLink link = redis.connectForBlockingReads(block);
            FeedTailer tailer = new FeedTailer(link, redis.settings().keys(), group, dispatcher, read, metrics, block, count);
            Thread thread = new Thread(tailer, "herald-tailer-" + group[0]);
            thread.setDaemon(true);
            links.add(link);
            tailers.add(tailer);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /** True once every tailer knows where its feeds stand (and has told the IO loops). */
    public boolean isPositioned() {
        for (FeedTailer t : tailers) {
            if (!t.isStarted()) {
                return false;
            }
        }
        return true;
    }

    /**
     * True while every tailer's loop goes round: it reads, fails a read (Redis down) or waits for room. False
     * if one is stuck (it has not gone round for longer than a blocked read's timeout plus a few block
     * periods): live delivery has stopped there.
     */
    public boolean isAlive() {
        long now = System.nanoTime();
        for (FeedTailer t : tailers) {
            if (now - t.lastRoundNanos() > stallLimitNanos) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        tailers.forEach(FeedTailer::stop);
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        links.forEach(RedisLink::close);
    }
}
