package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.common.redis.EntryFields;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis dying and coming back under a running publisher. While it is down, requests that need it are
 * refused at once with {@code 503}, {@code Retry-After} and {@code redis_unavailable}, not held until the
 * command timeout; once it is back, Lettuce reconnects by itself and publishing works again without a
 * restart of the publisher. Redis keeps an append-only file, so what was acknowledged before the crash is
 * still there after it.
 */
class RedisOutageIntegrationTest {
    private static final String TOPIC = "outage";
    private static final Duration FAST = Duration.ofSeconds(3);
    private static final Duration RECOVERY = Duration.ofSeconds(15);

    private RedisServer redis;
    private TestPublisher publisher;

    @BeforeEach
    void start() {
        redis = RedisServer.start(RedisServer.Options.defaults().withAppendOnly(true));
        if (!redis.isLocalProcess()) {
            redis.close();
            assumeTrue(false, "killing Redis needs redis-server as a local process, not a container");
        }
        publisher = TestPublisher.start(redis.uri(), Map.of());
    }

    @AfterEach
    void stop() {
        if (publisher != null) {
            publisher.close();
        }
        redis.close();
    }

    @Test
    void whileRedisIsDownRequestsAreRefusedAtOnceWith503AndRetryAfterAndPublishingResumesWhenItIsBack() {
        publisher.publish(TOPIC, "before");

        redis.kill();
        await().atMost(FAST).until(() -> publisher.get("/health").statusCode() == 503);

        assertUnavailableAtOnce(() -> publisher.post("/v1/topics/" + TOPIC + "/events", "{\"data\":\"during\"}"));
        assertUnavailableAtOnce(() -> publisher.post("/v1/events", "[{\"topic\":\"" + TOPIC + "\",\"data\":\"during\"}]"));
        assertUnavailableAtOnce(() -> publisher.get("/v1/topics/" + TOPIC));
        assertThat(TestPublisher.json(publisher.get("/health")).get("status").asText()).isEqualTo("down");

        redis.restart();
        long restarted = System.nanoTime();
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(50))
                .until(() -> publisher.post("/v1/topics/" + TOPIC + "/events", "{\"data\":\"after\"}").statusCode() == 201);
        System.out.printf("publishing resumed %d ms after Redis restarted%n", Duration.ofNanos(System.nanoTime() - restarted).toMillis());

        assertThat(publisher.get("/health").statusCode()).isEqualTo(200);
        assertThat(publisher.history(TOPIC)).extracting(entry -> entry.getBody().get(EntryFields.DATA))
                .as("the event acknowledged before the crash survived it, and none refused during it was appended")
                .containsExactly("before", "after");
    }

    private static void assertUnavailableAtOnce(Supplier<HttpResponse<String>> request) {
        long start = System.nanoTime();
        HttpResponse<String> response = request.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode body = TestPublisher.json(response);
        assertThat(body.get("error").asText()).isEqualTo("redis_unavailable");
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(took).as("time to answer while Redis is down").isLessThan(FAST);
    }
}
