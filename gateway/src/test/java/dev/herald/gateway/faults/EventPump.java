package dev.herald.gateway.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Publishes numbered events round-robin over topics at a steady pace, recording what was acknowledged. */
final class EventPump implements AutoCloseable {
    /** The origin of the publish times in event data: microseconds since this instant, on this JVM's clock. */
    static final long EPOCH_NANOS = System.nanoTime();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final int publisherPort;
    private final List<String> topics;
    private final long intervalMillis;
    private final DeliveryCheck check;
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    EventPump(int publisherPort, List<String> topics, long intervalMillis, DeliveryCheck check) {
        this.publisherPort = publisherPort;
        this.topics = topics;
        this.intervalMillis = intervalMillis;
        this.check = check;
        this.thread = new Thread(this::run, "event-pump");
        thread.start();
    }

    /**
     * Publishes events {@code from} to {@code from + count - 1} round-robin over {@code topics} in batches of
     * {@code batch} (data as the pump's, without a publish time), recording them in {@code check}.
     */
    static void publishBatches(int publisherPort, List<String> topics, int from, int count, int batch, DeliveryCheck check)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        for (int start = from; start < from + count; start += batch) {
            StringBuilder body = new StringBuilder("[");
            List<String[]> sent = new ArrayList<>();
            for (int seq = start; seq < Math.min(start + batch, from + count); seq++) {
                String topic = topics.get(seq % topics.size());
                String data = topic + "#" + seq;
                check.attempted(topic, data);
                sent.add(new String[]{topic, data});
                body.append(body.length() == 1 ? "" : ",").append("{\"topic\":\"").append(topic).append("\",\"data\":\"").append(data).append("\"}");
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publisherPort + "/v1/events"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("batch publish answered " + r.statusCode() + ": " + r.body());
            }
            for (String[] e : sent) {
                check.acknowledged(e[0], e[1]);
            }
        }
    }

    private void run() {
        for (int seq = 0; running; seq++) {
            String topic = topics.get(seq % topics.size());
            // The publish time rides along, so receivers can measure end-to-end latency.
            String data = topic + "#" + seq + "@" + TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - EPOCH_NANOS);
            check.attempted(topic, data);
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publisherPort + "/v1/topics/" + topic + "/events"))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + data + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 201) {
                    check.acknowledged(topic, data);
                } else if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) {
                    unavailable.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                Thread.sleep(intervalMillis);
            } catch (IOException e) {
                failed.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Answers {@code 503} with {@code Retry-After}. */
    int unavailable() {
        return unavailable.get();
    }

    /** Answers that were neither 201 nor a proper 503, and transport errors. */
    int failed() {
        return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(15_000);
    }
}
