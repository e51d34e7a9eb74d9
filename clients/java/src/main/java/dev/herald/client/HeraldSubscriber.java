package dev.herald.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Streams topics from a Herald gateway ({@code GET /v1/stream}) and keeps streaming: when the stream ends (a
 * gateway shed, drained or died) it reconnects after the server's {@code retry:} hint, jittered, with
 * {@code Last-Event-ID}, so the listener gets every event exactly once and in order; a 503 or 429 is retried
 * after its {@code Retry-After}. A 401 or 403 ends the subscription with {@link Listener#onError}, as would
 * any answer a retry cannot mend. Immutable; each {@link #subscribe} runs on a thread of its own.
 */
public final class HeraldSubscriber {
    /** What a subscription reports; called on the subscription's thread. */
    public interface Listener {
        /** An event, {@code message} or named ({@code herald.reset}, {@code herald.token-expired}, yours). */
        void onEvent(SseEvent event);

        /** The subscription ended for good: a refusal that retrying cannot change. */
        default void onError(HeraldException error) {
        }
    }

    /** A running subscription; {@link #close()} ends it. */
    public interface Subscription extends AutoCloseable {
        /** The last event ID received: where a new subscription would resume. */
        String lastEventId();

        @Override
        void close();
    }

    private final URI base;
    private final String authorization;
    private final HttpClient http;

    private HeraldSubscriber(URI base, String authorization, HttpClient http) {
        this.base = base;
        this.authorization = authorization;
        this.http = http;
    }

    /** A subscriber of the gateways at {@code base} (e.g. the load balancer's {@code http://herald:8081}). */
    public static HeraldSubscriber to(URI base) {
        return new HeraldSubscriber(base, null, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** The same, sending {@code Authorization: Bearer <token>}. */
    public HeraldSubscriber withBearerToken(String token) {
        return new HeraldSubscriber(base, "Bearer " + Objects.requireNonNull(token), http);
    }

    /** Subscribes to {@code topics}, from {@code lastEventId} (null: from now on). */
    public Subscription subscribe(List<String> topics, String lastEventId, Listener listener) {
        String query = topics.stream().map(t -> "topic=" + URLEncoder.encode(t, StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        Stream stream = new Stream(base.resolve("/v1/stream?" + query), lastEventId, listener);
        Thread thread = new Thread(stream, "herald-subscription");
        thread.setDaemon(true);
        stream.thread = thread;
        thread.start();
        return stream;
    }

    private final class Stream implements Runnable, Subscription {
        private final URI uri;
        private final Listener listener;
        private final SseReader reader;
        private volatile boolean running = true;
        private volatile long retryMillis = 2000;
        private volatile InputStream body;
        private volatile Thread thread;

        Stream(URI uri, String lastEventId, Listener listener) {
            this.uri = uri;
            this.listener = listener;
            this.reader = new SseReader(lastEventId, listener::onEvent, millis -> retryMillis = millis);
        }

        @Override
        public void run() {
            int failures = 0;
            while (running) {
                Duration wait;
                try {
                    HttpResponse<InputStream> r = http.send(request(), HttpResponse.BodyHandlers.ofInputStream());
                    if (r.statusCode() == 200) {
                        failures = 0;
                        body = r.body();
                        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                            reader.read(in);
                        }
                        wait = Backoff.delay(Duration.ofMillis(retryMillis), 1, null);
                    } else {
                        String text;
                        try (InputStream in = r.body()) {
                            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        }
                        HeraldException refused = HeraldPublisher.refusal(r.statusCode(), r.headers(), text);
                        if (r.statusCode() != 503 && r.statusCode() != 429) {
                            running = false;
                            listener.onError(refused);
                            return;
                        }
                        wait = Backoff.delay(Duration.ofMillis(retryMillis), ++failures, refused.retryAfter());
                    }
                } catch (IOException e) {
                    wait = Backoff.delay(Duration.ofMillis(retryMillis), ++failures, null); // the gateway went away: reconnect
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    try {
                        Thread.sleep(wait.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        private HttpRequest request() {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
            if (reader.lastEventId() != null && !reader.lastEventId().isEmpty()) {
                b.header("Last-Event-ID", reader.lastEventId());
            }
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            return b.build();
        }

        @Override
        public String lastEventId() {
            return reader.lastEventId();
        }

        @Override
        public void close() {
            running = false;
            InputStream in = body;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }
}
