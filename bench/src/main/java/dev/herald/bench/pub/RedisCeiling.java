package dev.herald.bench.pub;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What Redis itself sustains for the writes a batched publish makes, measured beside the publisher in the
 * same run: one script call per batch, two {@code XADD}s per event (the partition feed, capped, and the
 * topic's history under the same ID, capped), over {@code callers} closed-loop callers, as the publisher's
 * group commit does. No checks, idempotency, trimming by age or TTL: the ceiling publish.lua's own work
 * per event cannot go above. Caller {@code c} writes to topic {@code c mod n}'s history; keys carry their own
 * hash tag, apart from Herald's.
 *
 * <p>Each caller's next call is issued on Lettuce's thread when its previous one completes.
 */
public final class RedisCeiling implements AutoCloseable {
    private static final String SCRIPT = """
            local n, feedMaxLen, historyMaxLen, data = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
            local ts = redis.call('TIME')[1]
            for i = 1, n do
              local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', feedMaxLen, '*', 't', KEYS[2], 'e', '', 'd', data, 'r', '', 'ts', ts)
              redis.call('XADD', KEYS[2], 'MAXLEN', '~', historyMaxLen, id, 'e', '', 'd', data, 'r', '', 'ts', ts)
            end
            return n
            """;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    private final String sha;
    private final List<String> topics;
    private final String[] args;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();

    /** Writes {@code eventsPerCall} events of {@code dataBytes} per call to the histories of {@code topics}. */
    public RedisCeiling(String redisUri, List<String> topics, int eventsPerCall, int dataBytes) {
        this.client = RedisClient.create(RedisURI.create(redisUri));
        this.connection = client.connect();
        this.redis = connection.async();
        this.sha = connection.sync().scriptLoad(SCRIPT);
        this.topics = List.copyOf(topics);
        this.args = new String[] {Integer.toString(eventsPerCall), "100000", "10000", "x".repeat(dataBytes)};
    }

    /** Starts {@code callers} closed-loop callers. */
    public void start(int callers) {
        running.set(true);
        for (int c = 0; c < callers; c++) {
            call(c);
        }
    }

    private void call(int caller) {
        if (!running.get()) {
            return;
        }
        inFlight.incrementAndGet();
        String history = "ceiling:{c}:" + topics.get(caller % topics.size());
        redis.<Long>evalsha(sha, ScriptOutputType.INTEGER, new String[] {"ceiling:{c}:feed", history}, args)
                .whenComplete((written, error) -> {
                    if (error == null) {
                        events.addAndGet(written);
                    } else {
                        failures.incrementAndGet();
                    }
                    inFlight.decrementAndGet();
                    call(caller);
                });
    }

    /** Events written so far. */
    public long events() {
        return events.get();
    }

    public long failures() {
        return failures.get();
    }

    /** Stops the callers, waits for their last calls, deletes what they wrote. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<String> keys = new ArrayList<>();
        keys.add("ceiling:{c}:feed");
        topics.forEach(t -> keys.add("ceiling:{c}:" + t));
        connection.sync().del(keys.toArray(String[]::new));
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
