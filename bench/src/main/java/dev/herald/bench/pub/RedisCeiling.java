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
 * group commit does. Each event travels in the call as it must in any client's (its history key, topic, name
 * and its own data), so Redis parses what it stores; nothing else: no checks, idempotency, trimming by age or
 * TTL, so publish.lua's own work per event cannot go above it. Caller {@code c} writes to topic
 * {@code c mod n}'s history; keys carry their own hash tag, apart from Herald's.
 *
 * <p>Each caller's next call is issued on Lettuce's thread when its previous one completes.
 */
public final class RedisCeiling implements AutoCloseable {
    private static final String SCRIPT = """
            local feedMaxLen, historyMaxLen = ARGV[1], ARGV[2]
            local ts = redis.call('TIME')[1]
            local n = #KEYS - 1
            for i = 1, n do
              local b = 3 + (i - 1) * 4
              local topic, name, data, retry = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
              local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', feedMaxLen, '*', 't', topic, 'e', name, 'd', data, 'r', retry, 'ts', ts)
              redis.call('XADD', KEYS[i + 1], 'MAXLEN', '~', historyMaxLen, id, 'e', name, 'd', data, 'r', retry, 'ts', ts)
            end
            return n
            """;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    private final String sha;
    private final List<String> topics;
    private final int eventsPerCall;
    private final String pad;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
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
        this.eventsPerCall = eventsPerCall;
        this.pad = "x".repeat(dataBytes);
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
        String topic = topics.get(caller % topics.size());
        String history = "ceiling:{c}:" + topic;
        String[] keys = new String[1 + eventsPerCall];
        String[] args = new String[2 + 4 * eventsPerCall];
        keys[0] = "ceiling:{c}:feed";
        args[0] = "100000";
        args[1] = "10000";
        long micros = System.currentTimeMillis() * 1000;
        for (int i = 0; i < eventsPerCall; i++) {
            keys[1 + i] = history;
            args[2 + 4 * i] = topic;
            args[3 + 4 * i] = "";
            args[4 + 4 * i] = Burst.payload(sequence.getAndIncrement(), micros, pad, pad.length());
            args[5 + 4 * i] = "";
        }
        redis.<Long>evalsha(sha, ScriptOutputType.INTEGER, keys, args)
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
