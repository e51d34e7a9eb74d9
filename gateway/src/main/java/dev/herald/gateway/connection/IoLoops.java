package dev.herald.gateway.connection;

import dev.herald.common.revocation.Revocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * One {@link IoLoop} per IO thread of the server's worker, all created at start (before any tailer posts),
 * so every loop sees every batch from the first one on and the set never changes.
 */
public final class IoLoops {
    private final Map<XnioIoThread, IoLoop> byThread = new HashMap<>();
    private final List<IoLoop> loops = new ArrayList<>();

    /**
     * @param maxWaitingBytes live batch bytes that may wait for one loop before the tailers pause
     */
    public IoLoops(XnioWorker worker, int partitions, long maxWaitingBytes, OverloadGuard overload, RetryHints shedHints) {
        for (int i = 0; i < worker.getIoThreadCount(); i++) {
            XnioIoThread thread = worker.getIoThread(i);
            IoLoop loop = new IoLoop(i, thread, partitions, maxWaitingBytes, overload, shedHints);
            byThread.put(thread, loop);
            loops.add(loop);
        }
    }

    /** The loops, for the dispatcher to post to. */
    public List<IoLoop> all() {
        return loops;
    }

    IoLoop of(XnioIoThread thread) {
        IoLoop loop = byThread.get(thread);
        if (loop == null) {
            throw new IllegalStateException("not an IO thread of the gateway's worker: " + thread);
        }
        return loop;
    }

    /** Live batch bytes waiting for the loops, summed (any thread). */
    public long waitingBytes() {
        long n = 0;
        for (IoLoop loop : loops) {
            n += loop.waitingBytes();
        }
        return n;
    }

    /** Event frames written to sockets, as of each loop's last tick (any thread). */
    public long deliveredFrames() {
        long n = 0;
        for (IoLoop loop : loops) {
            n += loop.deliveredFrames();
        }
        return n;
    }

    /** The most live batch bytes that have waited for any one loop at once, since start (any thread). */
    public long mostWaitingBytes() {
        long n = 0;
        for (IoLoop loop : loops) {
            n = Math.max(n, loop.mostWaitingBytes());
        }
        return n;
    }

    /** Starts a drain on every IO thread: streams closed evenly over {@code periodNanos}. */
    public void startDrain(long periodNanos, RetryHints hints) {
        for (IoLoop loop : loops) {
            loop.thread().execute(() -> loop.startDrain(periodNanos, hints));
        }
    }

    /** Open streams over all IO threads (read from other threads: a snapshot that may be slightly stale). */
    public int openStreams() {
        int n = 0;
        for (IoLoop loop : loops) {
            n += loop.size();
        }
        return n;
    }

    /** A snapshot of every stream, each taken on its own IO thread. */
    public CompletableFuture<List<ConnectionInfo>> snapshot() {
        return onEachLoop(loop -> {
            long now = System.nanoTime();
            List<ConnectionInfo> infos = new ArrayList<>();
            for (SseConnection c : loop.connections()) {
                infos.add(c.info(now));
            }
            return infos;
        }).thenApply(parts -> parts.stream().flatMap(List::stream).toList());
    }

    /** Open streams per topic name over all IO threads, each loop counted on its own thread. */
    public CompletableFuture<Map<String, Integer>> streamsPerTopic() {
        return onEachLoop(loop -> {
            Map<String, Integer> counts = new HashMap<>();
            loop.countStreamsInto(counts);
            return counts;
        }).thenApply(parts -> {
            Map<String, Integer> all = new HashMap<>();
            parts.forEach(counts -> counts.forEach((topic, n) -> all.merge(topic, n, Integer::sum)));
            return all;
        });
    }

    /** Runs {@code task} on every loop's own thread; completes with each loop's result. */
    private <T> CompletableFuture<List<T>> onEachLoop(Function<IoLoop, T> task) {
        List<CompletableFuture<T>> parts = new ArrayList<>();
        for (IoLoop loop : loops) {
            CompletableFuture<T> part = new CompletableFuture<>();
            loop.thread().execute(() -> part.complete(task.apply(loop)));
            parts.add(part);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> parts.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Closes the streams {@code revocation} names, each on its own IO thread after a {@code herald.revoked}
     * notice with a jittered retry hint.
     */
    public void revoke(Revocation revocation, RetryHints hints) {
        for (IoLoop loop : loops) {
            loop.thread().execute(() -> {
                for (SseConnection c : loop.connections()) {
                    c.revokeIfMatches(revocation, hints);
                }
            });
        }
    }

    /** Closes every stream, each on its own IO thread. */
    public void closeAll(CloseReason reason) {
        for (IoLoop loop : loops) {
            loop.thread().execute(() -> {
                for (SseConnection c : loop.connections()) {
                    c.close(reason);
                }
            });
        }
    }
}
