package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries against a stand-in publisher that answers what each test scripts. */
class HeraldPublisherTest {
    private HttpServer server;
    private final List<String> keys = Collections.synchronizedList(new ArrayList<>());

    private URI serve(Function<Integer, Answer> script) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/topics/", exchange -> {
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            script.apply(keys.size()).send(exchange);
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private record Answer(int status, String retryAfter, String body) {
        void send(HttpExchange exchange) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aPublishAnswered503IsRetriedAfterRetryAfterWithTheSameIdempotencyKey() throws Exception {
        URI base = serve(n -> n <= 2
                ? new Answer(503, "1", "{\"error\":\"redis_unavailable\",\"message\":\"later\"}")
                : new Answer(201, null, "{\"topic\":\"orders\",\"id\":\"3:1-0\",\"duplicate\":false}"));
        long start = System.nanoTime();
        Published p = HeraldPublisher.to(base).publish("orders", "hello");
        assertThat(p).isEqualTo(new Published("orders", "3:1-0", false));
        assertThat(keys).hasSize(3).doesNotContainNull();
        assertThat(keys.stream().distinct()).hasSize(1);
        assertThat((System.nanoTime() - start) / 1_000_000).as("two waits of Retry-After 1 s, jittered").isGreaterThanOrEqualTo(1000);
    }

    @Test
    void aRefusalIsNotRetriedAndCarriesTheServersErrorCode() throws Exception {
        URI base = serve(n -> new Answer(400, null, "{\"error\":\"invalid_topic\",\"message\":\"bad name\"}"));
        assertThatThrownBy(() -> HeraldPublisher.to(base).publish("bad topic", "x"))
                .isInstanceOfSatisfying(HeraldException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error()).isEqualTo("invalid_topic");
                });
        assertThat(keys).hasSize(1);
    }

    @Test
    void attemptsAreBounded() throws Exception {
        URI base = serve(n -> new Answer(503, "0", "{\"error\":\"overloaded\",\"message\":\"full\"}"));
        assertThatThrownBy(() -> HeraldPublisher.to(base).withMaxAttempts(3).publish("orders", "x"))
                .isInstanceOfSatisfying(HeraldException.class, e -> assertThat(e.error()).isEqualTo("overloaded"));
        assertThat(keys).hasSize(3);
    }
}
