package dev.herald.gateway.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.xnio.XnioIoThread;

/** One {@link IoLoop} per IO thread, created when the thread gets its first stream. */
public final class IoLoops {
    private final ConcurrentMap<XnioIoThread, IoLoop> loops = new ConcurrentHashMap<>();

    public IoLoop of(XnioIoThread thread) {
        return loops.computeIfAbsent(thread, IoLoop::new);
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
