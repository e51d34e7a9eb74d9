package dev.herald.publisher.stream;

import dev.herald.common.redis.PublishScript;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 */
final class PartitionAppender {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final String feedKey;
    private final long feedMaxLen;
    private final long idempotencyWindowMillis;
    private final int maxEventsPerCall;
    private final IntConsumer callSizes;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private boolean calling;

    private record Pending(List<PublishScript.Append> appends, CompletableFuture<List<PublishScript.Appended>> result) {
    }

    /** @param callSizes told the number of events of each script call */
    PartitionAppender(RedisClusterAsyncCommands<String, String> redis, String feedKey, long feedMaxLen, long idempotencyWindowMillis,
                      int maxEventsPerCall, IntConsumer callSizes) {
        this.redis = redis;
        this.feedKey = feedKey;
        this.feedMaxLen = feedMaxLen;
        this.idempotencyWindowMillis = idempotencyWindowMillis;
        this.maxEventsPerCall = maxEventsPerCall;
        this.callSizes = callSizes;
    }

    /** Appends {@code appends} in one script call, possibly shared; completes with their outcomes, in order. */
    CompletableFuture<List<PublishScript.Appended>> append(List<PublishScript.Append> appends) {
        Pending pending = new Pending(appends, new CompletableFuture<>());
        List<Pending> call;
        synchronized (this) {
            waiting.add(pending);
            call = calling ? null : nextCall();
        }
        if (call != null) {
            send(call);
        }
        return pending.result();
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
            call.add(next);
            events += next.appends().size();
        } while (!waiting.isEmpty() && events + waiting.peek().appends().size() <= maxEventsPerCall);
        return call;
    }

    private void send(List<Pending> call) {
        List<PublishScript.Append> events = call.size() == 1 ? call.get(0).appends()
                : call.stream().flatMap(p -> p.appends().stream()).toList();
        callSizes.accept(events.size());
        CompletionStage<List<PublishScript.Appended>> reply;
        try {
            reply = PublishScript.run(redis, feedKey, feedMaxLen, idempotencyWindowMillis, events);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e); // the queue must move on whatever happens
        }
        reply.whenComplete((results, error) -> {
            List<Pending> next;
            synchronized (this) {
                next = nextCall();
            }
            // The next call goes out before this one's requests are answered, to keep Redis busy.
            if (next != null) {
                send(next);
            }
            complete(call, results, error);
        });
    }

    private static void complete(List<Pending> call, List<PublishScript.Appended> results, Throwable error) {
        int from = 0;
        for (Pending p : call) {
            if (error != null) {
                p.result().completeExceptionally(error);
            } else {
                p.result().complete(results.subList(from, from + p.appends().size()));
            }
            from += p.appends().size();
        }
    }
}
