package dev.herald.bench.scenario;

import dev.herald.bench.Clock;
import dev.herald.bench.client.SubConn;
import dev.herald.bench.client.SubscriberPool;
import dev.herald.bench.pub.LoadPublisher;
import dev.herald.bench.report.Stats;
import org.HdrHistogram.Histogram;

/** Prints one progress line a second on stderr while a scenario runs. */
final class Progress implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String phase = "start";

    Progress(String tag, SubscriberPool pool, LoadPublisher publisher) {
        thread = new Thread(() -> {
            long lastEvents = pool == null ? 0 : pool.eventsReceived();
            long lastSent = publisher == null ? 0 : publisher.ackedEvents();
            long lastNanos = System.nanoTime();
            long start = lastNanos;
            while (running) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                double dt = (now - lastNanos) / 1e9;
                lastNanos = now;
                StringBuilder sb = new StringBuilder();
                sb.append(String.format("%s %-8s t=%3.0fs", tag, phase, (now - start) / 1e9));
                if (publisher != null) {
                    long sent = publisher.ackedEvents();
                    sb.append(String.format(" pub=%.0f/s", (sent - lastSent) / dt));
                    lastSent = sent;
                    if (publisher.failedEvents() > 0) {
                        sb.append(" pubfail=").append(publisher.failedEvents());
                    }
                }
                if (pool != null) {
                    long events = pool.eventsReceived();
                    Histogram h = pool.intervalHistogram();
                    long lost = 0;
                    long dup = 0;
                    for (SubConn c : pool.connections()) {
                        lost += c.lost();
                        dup += c.duplicated();
                    }
                    sb.append(String.format(" conns=%d/%d recv=%.0f/s", pool.established(), pool.connections().size(),
                            (events - lastEvents) / dt));
                    if (h.getTotalCount() > 0) {
                        sb.append(" p50=").append(Stats.formatMicros(h.getValueAtPercentile(50)))
                                .append(" p99=").append(Stats.formatMicros(h.getValueAtPercentile(99)))
                                .append(" max=").append(Stats.formatMicros(h.getMaxValue()));
                    }
                    sb.append(" lost=").append(lost).append(" dup=").append(dup);
                    lastEvents = events;
                }
                Clock.log("%s", sb);
            }
        }, "bench-progress");
        thread.setDaemon(true);
        thread.start();
    }

    void phase(String name) {
        phase = name;
    }

    /** Stops the progress lines (before the result is assembled). */
    void stop() {
        running = false;
        thread.interrupt();
    }

    @Override
    public void close() {
        stop();
    }
}
