package dev.herald.gateway.presence;

import dev.herald.common.redis.KeyLayout;
import dev.herald.gateway.connection.IoLoops;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports this gateway's open streams per topic to Redis every interval, so a publisher can say how many
 * streams a topic has across the cluster: a hash of topic to streams under a key of this gateway's own,
 * with a TTL of three intervals (a gateway that dies drops out of the counts by itself), and the gateway's
 * name in a registry that readers walk. Only topics with streams are written, and only what changed, so
 * the cost follows the streams, not the topics. Runs on one scheduler thread; the Redis commands are
 * asynchronous and a failed report is simply the next one's to repeat.
 */
public final class PresenceReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceReporter.class);
    /** Registry entries of gateways silent for this long are pruned (their hashes expired long before). */
    private static final long FORGET_AFTER_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final IoLoops loops;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final KeyLayout keys;
    private final String gateway;
    private final Duration interval;
    private final IntConsumer topicsGauge;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "herald-presence");
        t.setDaemon(true);
        return t;
    });
    /** What the last report wrote; used only on the timer thread. */
    private Map<String, Integer> reported = Map.of();
    private final AtomicInteger failures = new AtomicInteger();

    public PresenceReporter(IoLoops loops, RedisClusterAsyncCommands<String, String> redis, KeyLayout keys, String gateway,
                            Duration interval, IntConsumer topicsGauge) {
        this.loops = loops;
        this.redis = redis;
        this.keys = keys;
        this.gateway = gateway;
        this.interval = interval;
        this.topicsGauge = topicsGauge;
        timer.scheduleWithFixedDelay(this::report, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void report() {
        Map<String, Integer> counts;
        try {
            counts = loops.streamsPerTopic().get(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("presence: could not count streams: {}", e.toString());
            return;
        }
        topicsGauge.accept(counts.size());
        String key = keys.presence(gateway);
        Set<String> gone = new HashSet<>(reported.keySet());
        gone.removeAll(counts.keySet());
        Map<String, String> changed = new HashMap<>();
        counts.forEach((topic, n) -> {
            if (!n.equals(reported.get(topic))) {
                changed.put(topic, n.toString());
            }
        });
        if (!gone.isEmpty()) {
            redis.hdel(key, gone.toArray(String[]::new));
        }
        if (!changed.isEmpty()) {
            redis.hset(key, changed);
        }
        long now = System.currentTimeMillis();
        redis.pexpire(key, 3 * interval.toMillis());
        redis.zadd(keys.presence(), now, gateway);
        redis.zremrangebyscore(keys.presence(), Range.create(0, now - FORGET_AFTER_MILLIS)).whenComplete((n, error) -> {
            if (error != null && failures.getAndIncrement() == 0) {
                LOG.warn("presence: cannot report stream counts to Redis ({}); retrying every {} ms", error.toString(), interval.toMillis());
            } else if (error == null) {
                failures.set(0);
            }
        });
        // After a failure the hash may have expired: write everything again next time.
        reported = failures.get() == 0 ? counts : Map.of();
    }

    /** The name this gateway reports under. */
    public String gateway() {
        return gateway;
    }

    /** Stops reporting and removes this gateway's counts at once, rather than when they expire. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            redis.del(keys.presence(gateway)).get(1, TimeUnit.SECONDS);
            redis.zrem(keys.presence(), gateway).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("presence: could not remove this gateway's counts: {}", e.toString());
        }
    }
}
