package dev.herald.publisher.stream;

import dev.herald.common.redis.IdempotencyKeyReusedException;
import dev.herald.common.redis.PublishScript;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Appends to one partition with at most one publish-script call in flight; appends that arrive meanwhile
 * wait and go together in the next call (group commit). An idle partition sends at once, so a lone
 * publish waits for nothing; a busy one sends one call per Redis round trip carrying everything that
 * queued up, which cuts script calls, Redis commands and client wake-ups per event under load.
 *
 * <p>Each append's events stay together in one call, so what one request appends to a partition is still
 * atomic, and appends keep their arrival order. A call carries at most {@code maxEventsPerCall} events
 * unless a single append is larger (it is never split).
 *
 * <p>Bounded: appends are admitted ({@link #reserve}) only while what waits stays within {@link QueueLimits};
 * each append fails with {@link PublishTimeoutException} at its deadline (leaving the queue if it had not been
 * sent); and when the script refuses a shared call's arguments (it checks them all before writing anything),
 * each append of that call is sent again alone, so one bad append fails only its own request.
 */
final class PartitionAppender {
    /** The prefix of the errors the script raises before its first write (publish.lua). */
    private static final String REFUSED_BEFORE_WRITING = "ERR herald:";

    private final RedisClusterAsyncCommands<String, String> redis;
    private final int partition;
    private final String feedKey;
    private final long feedMaxLen;
    private final long idempotencyWindowMillis;
    private final int maxEventsPerCall;
    private final QueueLimits limits;
    private final ScheduledExecutorService deadlines;
    private final IntConsumer callSizes;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int waitingEvents;
    private long waitingBytes;
    private boolean calling;

    /** One request's appends; {@code sent} once taken into a call. Guarded by the appender's lock. */
    private static final class Pending {
        final List<PublishScript.Append> appends;
        final long bytes;
        final CompletableFuture<List<PublishScript.Appended>> result = new CompletableFuture<>();
        ScheduledFuture<?> deadline;
        boolean sent;

        Pending(List<PublishScript.Append> appends, long bytes) {
            this.appends = appends;
            this.bytes = bytes;
        }
    }

    /** @param callSizes told the number of events of each script call */
    PartitionAppender(RedisClusterAsyncCommands<String, String> redis, int partition, String feedKey, long feedMaxLen, long idempotencyWindowMillis,
                      int maxEventsPerCall, QueueLimits limits, ScheduledExecutorService deadlines, IntConsumer callSizes) {
        this.redis = redis;
        this.partition = partition;
        this.feedKey = feedKey;
        this.feedMaxLen = feedMaxLen;
        this.idempotencyWindowMillis = idempotencyWindowMillis;
        this.maxEventsPerCall = maxEventsPerCall;
        this.limits = limits;
        this.deadlines = deadlines;
        this.callSizes = callSizes;
    }

    /** The size {@link #reserve} and {@link #append} count for {@code appends}. */
    static long bytes(List<PublishScript.Append> appends) {
        long bytes = 0;
        for (PublishScript.Append a : appends) {
            bytes += a.topic().length() + a.data().length() + (a.event() == null ? 0 : a.event().length());
        }
        return bytes;
    }

    /**
     * Takes room for an append of {@code events} and {@code bytes}, to be followed by {@link #append} or
     * {@link #release}; throws {@link OverloadedException} if the queue is full. An empty queue takes any
     * append, so one larger than the limits is still possible.
     */
    synchronized void reserve(int events, long bytes) {
        if (waitingEvents > 0 && (waitingEvents + events > limits.events() || waitingBytes + bytes > limits.bytes())) {
            throw new OverloadedException(partition, waitingEvents, waitingBytes);
        }
        waitingEvents += events;
        waitingBytes += bytes;
    }

    /** Gives back a reservation that will not be appended. */
    synchronized void release(int events, long bytes) {
        waitingEvents -= events;
        waitingBytes -= bytes;
    }

    /** Appends {@code appends}, reserved before, in one script call, possibly shared; completes with their outcomes, in order. */
    CompletableFuture<List<PublishScript.Appended>> append(List<PublishScript.Append> appends, long bytes) {
        Pending pending = new Pending(appends, bytes);
        List<Pending> call;
        synchronized (this) {
            waiting.add(pending);
            pending.deadline = deadlines.schedule(() -> expire(pending), limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            call = calling ? null : nextCall();
        }
        if (call != null) {
            send(call);
        }
        return pending.result;
    }

    /** The deadline passed: a waiting append leaves the queue unsent; a sent one is answered now, whatever Redis does later. */
    private void expire(Pending pending) {
        boolean sent;
        synchronized (this) {
            sent = pending.sent;
            if (!sent && waiting.remove(pending)) {
                release(pending.appends.size(), pending.bytes);
            }
        }
        pending.result.completeExceptionally(new PublishTimeoutException(limits.requestTimeout().toMillis(), sent));
    }

    /** Takes the next call's appends off the queue, or notes that none is in flight. Holds the lock. */
    private List<Pending> nextCall() {
        if (waiting.isEmpty()) {
            calling = false;
            return null;
        }
        calling = true;
        List<Pending> call = new ArrayList<>();
        int events = 0;
        do {
            Pending next = waiting.poll();
            next.sent = true;
            release(next.appends.size(), next.bytes);
            call.add(next);
            events += next.appends.size();
        } while (!waiting.isEmpty() && events + waiting.peek().appends.size() <= maxEventsPerCall);
        return call;
    }

    private void send(List<Pending> call) {
        run(call).whenComplete((results, error) -> {
            if (error != null && call.size() > 1 && refusedBeforeWriting(error)) {
                // One append's arguments were refused and nothing was written: each goes again alone, in order.
                retryAlone(call, 0);
                return;
            }
            next();
            complete(call, results, error);
        });
    }

    private void retryAlone(List<Pending> call, int index) {
        if (index == call.size()) {
            next();
            return;
        }
        Pending one = call.get(index);
        run(List.of(one)).whenComplete((results, error) -> {
            complete(List.of(one), results, error);
            retryAlone(call, index + 1);
        });
    }

    /** Sends the next call if anything waits; before answering the last one's requests, to keep Redis busy. */
    private void next() {
        List<Pending> next;
        synchronized (this) {
            next = nextCall();
        }
        if (next != null) {
            send(next);
        }
    }

    private CompletionStage<List<PublishScript.Appended>> run(List<Pending> call) {
        List<PublishScript.Append> events = call.size() == 1 ? call.get(0).appends : call.stream().flatMap(p -> p.appends.stream()).toList();
        callSizes.accept(events.size());
        try {
            return PublishScript.run(redis, feedKey, feedMaxLen, idempotencyWindowMillis, events);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // the queue must move on whatever happens
        }
    }

    private static boolean refusedBeforeWriting(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof IdempotencyKeyReusedException || cause instanceof RedisCommandExecutionException
                && cause.getMessage() != null && cause.getMessage().startsWith(REFUSED_BEFORE_WRITING);
    }

    private static void complete(List<Pending> call, List<PublishScript.Appended> results, Throwable error) {
        int from = 0;
        for (Pending p : call) {
            p.deadline.cancel(false);
            if (error != null) {
                p.result.completeExceptionally(error);
            } else {
                p.result.complete(results.subList(from, from + p.appends.size()));
            }
            from += p.appends.size();
        }
    }
}
