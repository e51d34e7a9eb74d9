package dev.herald.common.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * {@code GET /debug/jfr?seconds=N}: records a Java Flight Recording with the JDK's "profile" settings
 * (method sampling, allocation, locks, socket I/O) for N seconds (1–120, default 30) and answers with the
 * {@code .jfr} file — the JVM's answer to a pprof profile: open it in JDK Mission Control or convert it
 * with {@code jfr print} / {@code jfr summary}. One recording at a time (409 while one runs), its file at
 * most {@link #MAX_BYTES} (the oldest data is dropped beyond), so /debug cannot fill a container's small
 * /tmp; the wait runs on a worker thread.
 */
public final class JfrHandler implements HttpHandler {
    static final int MAX_SECONDS = 120;
    static final long MAX_BYTES = 16L << 20;
    private final AtomicBoolean recording = new AtomicBoolean();

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        int seconds;
        try {
            Deque<String> param = exchange.getQueryParameters().get("seconds");
            seconds = param == null ? 30 : Integer.parseInt(param.getFirst());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > MAX_SECONDS) {
            JsonResponses.error(exchange, 400, "invalid_seconds", "seconds must be an integer from 1 to " + MAX_SECONDS);
            return;
        }
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        if (!recording.compareAndSet(false, true)) {
            JsonResponses.error(exchange, 409, "recording_in_progress", "a flight recording is already running; try again when it ends");
            return;
        }
        try {
            byte[] file = record(Duration.ofSeconds(seconds));
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream")
                    .put(Headers.CONTENT_DISPOSITION, "attachment; filename=\"herald-" + System.currentTimeMillis() + ".jfr\"");
            exchange.getResponseSender().send(ByteBuffer.wrap(file));
        } finally {
            recording.set(false);
        }
    }

    private static byte[] record(Duration duration) throws IOException, ParseException, InterruptedException {
        Path file = Files.createTempFile("herald", ".jfr");
        try (Recording r = new Recording(Configuration.getConfiguration("profile"))) {
            r.setName("herald-on-demand");
            r.setMaxSize(MAX_BYTES);
            r.start();
            Thread.sleep(duration.toMillis());
            r.stop();
            r.dump(file);
            return Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
