package dev.herald.publisher;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stopping the publisher (what the SIGTERM hook does): a request in flight still completes and is answered,
 * a new request, on an open connection or a new one, is refused with {@code 503}, and only then are Redis
 * and the listeners closed.
 */
class GracefulShutdownIntegrationTest {
    private static final String BODY = "{\"data\":\"in flight\"}";

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    @Test
    void aRequestInFlightCompletesWhileNewRequestsAreRefusedAndThenThePublisherStops() throws Exception {
        TestPublisher publisher = TestPublisher.start(redis.uri(), Map.of("herald.publisher.shutdown-grace", "10s"));
        try (Socket inFlight = connect(publisher); Socket idle = connect(publisher)) {
            assertThat(exchange(idle, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 ");
            OutputStream out = inFlight.getOutputStream();
            out.write(("POST /v1/topics/draining/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + BODY.length() + "\r\n\r\n" + BODY.substring(0, 5)).getBytes(US_ASCII));
            out.flush();
            TimeUnit.MILLISECONDS.sleep(200); // the request is now in its handler, waiting for the rest of its body

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(publisher.publisher()::close);
            TimeUnit.MILLISECONDS.sleep(300);

            assertThat(stopped).as("waits for the request in flight").isNotDone();
            assertThat(exchange(idle, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")).as("a new request on an open connection").startsWith("HTTP/1.1 503 ")
                    .contains("{\"error\":\"shutting_down\"");
            try (Socket late = connect(publisher)) {
                assertThat(exchange(late, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")).as("a new request on a new connection").startsWith("HTTP/1.1 503 ");
            }

            out.write(BODY.substring(5).getBytes(US_ASCII));
            out.flush();
            assertThat(readStatusLine(inFlight)).startsWith("HTTP/1.1 201 ");
            stopped.get(5, TimeUnit.SECONDS);
        } finally {
            publisher.close();
        }
        assertThat(redis.server().send("XLEN", publisher.historyKey("draining"))).isEqualTo("1");
    }

    @Test
    void aRequestThatDoesNotFinishWithinTheGraceIsCutOff() throws Exception {
        TestPublisher publisher = TestPublisher.start(redis.uri(), Map.of("herald.publisher.shutdown-grace", "300ms"));
        try (Socket stuck = connect(publisher)) {
            stuck.getOutputStream().write(("POST /v1/topics/stuck/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{").getBytes(US_ASCII));
            TimeUnit.MILLISECONDS.sleep(200);

            long start = System.nanoTime();
            publisher.publisher().close();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        } finally {
            publisher.close();
        }
        assertThat(redis.server().send("XLEN", publisher.historyKey("stuck"))).isEqualTo("0");
    }

    private static Socket connect(TestPublisher publisher) throws IOException {
        Socket socket = new Socket("127.0.0.1", publisher.publisher().port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** Sends a request without a body; returns the answer's status line and, after a line break, its body. */
    private static String exchange(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(US_ASCII));
        socket.getOutputStream().flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII));
        String status = in.readLine();
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            int n = in.read(body, read, length - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return status + "\n" + new String(body, 0, read);
    }

    private static String readStatusLine(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII)).readLine();
    }
}
