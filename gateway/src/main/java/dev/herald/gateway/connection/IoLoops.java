package dev.herald.gateway.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.xnio.XnioIoThread;

/** One {@link IoLoop} per IO thread, created when the thread gets its first stream. */
public final class IoLoops {
    private final ConcurrentMap<XnioIoThread, IoLoop> loops = new ConcurrentHashMap<>();

    public IoLoop of(XnioIoThread thread) {
        return loops.computeIfAbsent(thread, IoLoop::new);
    }

    /** Starts a drain on every IO thread: streams closed evenly over {@code periodNanos}. */
    public void startDrain(long periodNanos, RetryHints hints) {
        for (IoLoop loop : loops.values()) {
            loop.thread().execute(() -> loop.startDrain(periodNanos, hints));
        }
    }

    /** Open streams over all IO threads (read from other threads: a snapshot that may be slightly stale). */
    public int openStreams() {
        int n = 0;
        for (IoLoop loop : loops.values()) {
            n += loop.size();
        }
        return n;
    }

    /** A snapshot of every stream, each taken on its own IO thread. */
    public CompletableFuture<List<ConnectionInfo>> snapshot() {
        List<CompletableFuture<List<ConnectionInfo>>> parts = new ArrayList<>();
        for (IoLoop loop : loops.values()) {
            CompletableFuture<List<ConnectionInfo>> part = new CompletableFuture<>();
            loop.thread().execute(() -> {
                long now = System.nanoTime();
                List<ConnectionInfo> infos = new ArrayList<>();
                for (SseConnection c : loop.connections()) {
                    infos.add(c.info(now));
                }
                part.complete(infos);
            });
            parts.add(part);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<ConnectionInfo> all = new ArrayList<>();
            parts.forEach(p -> all.addAll(p.join()));
            return all;
        });
    }

    /** Closes every stream, each on its own IO thread. */
    public void closeAll(CloseReason reason) {
        List<IoLoop> all = new ArrayList<>(loops.values());
        for (IoLoop loop : all) {
            loop.thread().execute(() -> {
                for (SseConnection c : loop.connections()) {
                    c.close(reason);
                }
            });
        }
    }
}
