package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis memory stays bounded whatever topics are used: a topic's history expires its TTL after its last
 * publish, idempotency keys their window after first use, and {@code DELETE /v1/topics/{topic}} removes a
 * history at once. Run with a short TTL (max-age) and window, and a small feed, so that what a topic leaves
 * behind is measurable against the server's own {@code used_memory}.
 */
class TopicExpiryIntegrationTest {
    private static final Logger LOG = LoggerFactory.getLogger(TopicExpiryIntegrationTest.class);
    private static final int TOPICS = 100_000;
    private static final int BATCH = 1000;
    private static final int PARTITIONS = 16;

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;

    @BeforeAll
    static void start() {
        publisher = TestPublisher.start(redis.uri(), Map.of("herald.partitions", PARTITIONS, "herald.feed.max-len", 100,
                "herald.retention.max-age", "3s", "herald.publisher.idempotency.window", "3s"));
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    @Test
    void oneShotTopicsLeaveRedisAfterTheirTtlAndMemoryReturnsToWhereItStarted() {
        redis.flushAll();
        publisher.publish("warm-up", "x"); // the script, the feeds and the connections exist from here on
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> redis.server().send("EXISTS", publisher.historyKey("warm-up")).equals("0"));
        long before = usedMemory();

        publishOneShotTopics();
        long peak = usedMemory();
        long keysAtPeak = Long.parseLong(redis.server().send("DBSIZE"));

        long start = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> Long.parseLong(redis.server().send("DBSIZE")) <= PARTITIONS);
        long after = usedMemory();
        LOG.info("{} one-shot topics: used_memory {} B before, {} B after publishing ({} keys), {} B once expired ({} ms after the last publish)",
                TOPICS, before, peak, keysAtPeak, after, (System.nanoTime() - start) / 1_000_000);

        assertThat(peak - before).as("the topics took memory while they lived").isGreaterThan(20L << 20);
        assertThat(after - before).as("what they leave behind (the partition feeds are bounded by max-len)").isLessThan(1L << 20);
        assertThat(publisher.redis().keys("*:idem:*")).as("idempotency keys are gone after their window").isEmpty();
    }

    @Test
    void deleteRemovesATopicsHistoryAndAnswers404WhenThereIsNone() {
        String topic = "to-delete";
        publisher.publish(topic, "a");
        publisher.publish(topic, "b");
        HttpRequest delete = HttpRequest.newBuilder(publisher.uri("/v1/topics/" + topic)).DELETE().build();

        HttpResponse<String> removed = publisher.send(delete);
        assertThat(removed.statusCode()).isEqualTo(204);
        assertThat(publisher.history(topic)).isEmpty();
        assertThat(TestPublisher.json(publisher.get("/v1/topics/" + topic)).get("length").asLong()).isZero();

        HttpResponse<String> again = publisher.send(delete);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(TestPublisher.json(again).get("error").asText()).isEqualTo("topic_not_found");
        publisher.publish(topic, "c");
        assertThat(publisher.history(topic)).hasSize(1);
    }

    /** 100 batches of 1000 events, each to a topic of its own with an idempotency key, four batches in flight. */
    private static void publishOneShotTopics() {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(4);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int b = 0; b < TOPICS / BATCH; b++) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < BATCH; i++) {
                int n = b * BATCH + i;
                body.append(i == 0 ? "" : ",").append("{\"topic\":\"session-").append(n).append("\",\"data\":\"payload-").append(n)
                        .append("\",\"idempotencyKey\":\"k").append(n).append("\"}");
            }
            inFlight.acquireUninterruptibly();
            answers.add(http.sendAsync(HttpRequest.newBuilder(publisher.uri("/v1/events")).header("Content-Type", "application/json")
                            .POST(BodyPublishers.ofString(body.append(']').toString())).build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        }
        JsonNode last = TestPublisher.json(answers.get(answers.size() - 1).join()).get("events");
        assertThat(last).hasSize(BATCH);
    }

    private static long usedMemory() {
        Matcher m = Pattern.compile("(?m)^used_memory:(\\d+)").matcher(publisher.redis().info("memory"));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }
}
