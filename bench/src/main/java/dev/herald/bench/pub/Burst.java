package dev.herald.bench.pub;

import dev.herald.bench.Clock;
import dev.herald.bench.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes a fixed run of events to one topic as fast as the server takes them, in order, on one
 * pipelined connection: in batches where the target has a batch API, else one request per event.
 */
public final class Burst {
    private Burst() {
    }

    /** Publishes sequence numbers {@code first .. first+count-1}; returns how many the server confirmed. */
    public static long publish(Target target, String topic, long first, int count, int dataSize, int batch) throws IOException {
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        HttpPipe pipe = new HttpPipe(target.publishAddress(), 256, (p, status, sent, now, err) -> {
            if (status >= 200 && status < 300) {
                acked.addAndGet(sent.events());
            } else {
                failed.addAndGet(sent.events());
                if (err != null) {
                    Clock.log("  note: burst publish answered %d: %s", status, err.strip());
                }
            }
        }, "bench-burst");
        try {
            int per = target.hasBatchApi() ? Math.max(1, batch) : 1;
            String pad = "x".repeat(Math.max(1, dataSize));
            long seq = first;
            long end = first + count;
            while (seq < end) {
                int n = (int) Math.min(per, end - seq);
                long ts = Clock.nowMicros();
                StringBuilder body = new StringBuilder();
                if (per == 1) {
                    target.appendPublishBody(body, payload(seq, ts, pad, dataSize));
                } else {
                    body.append('[');
                    for (int i = 0; i < n; i++) {
                        if (i > 0) {
                            body.append(',');
                        }
                        body.append("{\"topic\":\"").append(topic).append("\",\"data\":\"")
                                .append(payload(seq + i, ts, pad, dataSize)).append("\"}");
                    }
                    body.append(']');
                }
                String head = per == 1 ? target.publishHead(topic) : target.batchHead();
                byte[] req = (head + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
                pipe.send(req, req.length, new HttpPipe.Sent(System.nanoTime(), n, 0, seq + n - 1));
                seq += n;
            }
            pipe.awaitIdle(60_000);
        } finally {
            pipe.close();
        }
        if (failed.get() > 0) {
            Clock.log("  note: %d events of the burst were not accepted", failed.get());
        }
        return acked.get();
    }

    static String payload(long seq, long micros, String pad, int dataSize) {
        String head = seq + " " + micros + " ";
        return head + pad.substring(0, Math.max(1, Math.min(pad.length(), dataSize - head.length())));
    }
}
