package dev.herald.gateway.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Behaves like a browser's {@code EventSource}: when its stream ends it waits the server's {@code retry}
 * delay and reconnects to the same URL with {@code Last-Event-ID}, until stopped. It keeps every event's
 * data across reconnects, so a test can check nothing was lost or duplicated.
 */
public final class ResumingSseClient implements AutoCloseable {
    private final int port;
    private final String path;
    private final List<String> data = new ArrayList<>();
    private final AtomicInteger connects = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile SseClient current;
    private volatile String lastEventId;
    private volatile long retryMillis = 1000;

    public ResumingSseClient(int port, String path) {
        this.port = port;
        this.path = path;
        this.thread = new Thread(this::run, "resuming-sse-client");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                SseClient c = SseClient.open(port, path, lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId));
                current = c;
                if (c.status() == 200) {
                    connects.incrementAndGet();
                }
                int taken = 0;
                while (running && !c.ended()) {
                    taken = drain(c, taken);
                    Thread.sleep(10);
                }
                drain(c, taken);
                c.close();
                Long retry = c.reconnectionTime();
                if (retry != null) {
                    retryMillis = retry;
                }
            } catch (IOException e) {
                // the load balancer or gateway refused: try again after the retry delay
            } catch (InterruptedException e) {
                return;
            }
            sleep(retryMillis);
        }
    }

    private int drain(SseClient c, int taken) {
        var events = c.events();
        synchronized (data) {
            for (int i = taken; i < events.size(); i++) {
                var e = events.get(i);
                if (e.type().equals("message")) {
                    data.add(e.data());
                } else if (e.type().equals("herald.reset")) {
                    resets.incrementAndGet();
                }
                lastEventId = e.lastEventId();
            }
        }
        return events.size();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public List<String> data() {
        synchronized (data) {
            return new ArrayList<>(data);
        }
    }

    /** herald.reset notices received. */
    public int resets() {
        return resets.get();
    }

    /** Streams opened with status 200 (1 + reconnects). */
    public int connects() {
        return connects.get();
    }

    public boolean awaitConnected(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            SseClient c = current;
            if (c != null && !c.comments().isEmpty()) {
                return true;
            }
            sleep(10);
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        running = false;
        SseClient c = current;
        if (c != null) {
            c.close();
        }
        thread.interrupt();
    }
}
