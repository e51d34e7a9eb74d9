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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The publisher holds a bounded amount for a slow Redis: each partition's queue of waiting appends has a bound
 * in events and in bytes (503 overloaded beyond), each request a deadline (503 publish_timeout), a shared
 * script call refused for one request's sake fails only that request, and the replica wait does not hold the
 * connection publishes use. Redis is made slow with {@code CLIENT PAUSE WRITE}, which holds script calls.
 */
class PublisherBoundsIntegrationTest {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static final HttpClient HTTP = HttpClient.newHttpClient();
    TestPublisher publisher;

    @BeforeEach
    void clean() {
        redis.flushAll();
    }

    @AfterEach
    void stop() {
        if (publisher != null) {
            publisher.close();
        }
    }

    @Test
    void beyondQueueEventsWaitingInAPartitionPublishesAreRefused503OverloadedWithRetryAfter() {
        publisher = start(Map.of("herald.publisher.limits.max-batch", 5, "herald.publisher.limits.queue-events", 10));
        String topic = "bounded-events";
        List<HttpResponse<String>> responses = whilePaused(1500, IntStream.range(0, 40).mapToObj(i -> "{\"data\":\"e" + i + "\"}").toList(), topic);

        List<HttpResponse<String>> refused = responses.stream().filter(r -> r.statusCode() == 503).toList();
        List<HttpResponse<String>> appended = responses.stream().filter(r -> r.statusCode() == 201).toList();
        assertThat(appended.size() + refused.size()).isEqualTo(40);
        assertThat(appended.size()).as("one call in flight and at most 10 events waiting").isBetween(2, 11);
        assertOverloaded(refused);
        assertThat(publisher.history(topic)).as("a refused publish appends nothing").hasSize(appended.size());
    }

    @Test
    void beyondQueueBytesWaitingInAPartitionPublishesAreRefused503Overloaded() {
        publisher = start(Map.of("herald.publisher.limits.max-body", "1KiB", "herald.publisher.limits.max-event-data", "1KiB",
                "herald.publisher.limits.queue-bytes", "2KiB"));
        String topic = "bounded-bytes";
        String data = "b".repeat(600);
        List<HttpResponse<String>> responses = whilePaused(1500, IntStream.range(0, 20).mapToObj(i -> "{\"data\":\"" + data + "\"}").toList(), topic);

        long appended = responses.stream().filter(r -> r.statusCode() == 201).count();
        assertThat(appended).as("one call in flight and at most 2 KiB waiting: three events of 600 bytes and a topic").isBetween(2L, 4L);
        assertOverloaded(responses.stream().filter(r -> r.statusCode() != 201).toList());
        assertThat(publisher.history(topic)).hasSize((int) appended);
    }

    @Test
    void aRequestNotAppendedByItsDeadlineIsAnswered503PublishTimeoutAndAWaitingOneIsNeverSent() {
        publisher = start(Map.of("herald.publisher.limits.request-timeout", "300ms"));
        String topic = "deadline";
        long start = System.nanoTime();
        redis.server().send("CLIENT", "PAUSE", "2000", "WRITE");
        CompletableFuture<HttpResponse<String>> inFlight = postAsync(topic, "{\"data\":\"in-flight\"}");
        awaitScriptCalls(1);
        HttpResponse<String> waiting = postAsync(topic, "{\"data\":\"waiting\"}").join();
        long waitingMillis = (System.nanoTime() - start) / 1_000_000;
        HttpResponse<String> sent = inFlight.join();

        assertThat(waitingMillis).as("answered at its deadline, not when Redis resumes").isLessThan(1500);
        for (HttpResponse<String> r : List.of(sent, waiting)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(TestPublisher.json(r).get("error").asText()).isEqualTo("publish_timeout");
        }
        assertThat(TestPublisher.json(sent).get("message").asText()).contains("may still be appended");
        assertThat(TestPublisher.json(waiting).get("message").asText()).contains("nothing was appended");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> publisher.history(topic).size() == 1);
        assertThat(publisher.history(topic).get(0).getBody().get("d")).isEqualTo("in-flight");
        assertThat(publisher.publish(topic, "after")).isNotBlank();
    }

    @Test
    void aSharedCallRefusedForOneRequestIsRetriedSoOnlyThatRequestFails() {
        publisher = start(Map.of());
        String poisoned = "poisoned";
        redis.server().send("SET", publisher.historyKey(poisoned), "not a stream"); // what a stray writer could leave
        List<String> neighbours = topicsInPartitionOf(poisoned, 10);

        redis.server().send("CLIENT", "PAUSE", "700", "WRITE");
        CompletableFuture<HttpResponse<String>> blocker = postAsync(neighbours.get(0), "{\"data\":\"first\"}");
        awaitScriptCalls(1); // the blocker is in flight: everything after it waits and shares the next call
        List<CompletableFuture<HttpResponse<String>>> queued = new ArrayList<>();
        queued.add(postAsync(poisoned, "{\"data\":\"bad\"}"));
        neighbours.forEach(topic -> queued.add(postAsync(topic, "{\"data\":\"good\"}")));

        assertThat(blocker.join().statusCode()).isEqualTo(201);
        HttpResponse<String> bad = queued.get(0).join();
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(503);
        assertThat(TestPublisher.json(bad).get("error").asText()).isEqualTo("redis_unavailable");
        for (int i = 1; i < queued.size(); i++) {
            HttpResponse<String> good = queued.get(i).join();
            assertThat(good.statusCode()).as(good.body()).isEqualTo(201);
        }
        assertThat(maxEventsPerCall()).as("the neighbours did share a call with it").isGreaterThan(1);
        for (String topic : neighbours) {
            assertThat(publisher.history(topic)).as(topic).hasSize(topic.equals(neighbours.get(0)) ? 2 : 1);
        }
    }

    @Test
    void aReplicaWaitDoesNotHoldOtherCommands() {
        // No replica at all: every WAIT lasts its full timeout.
        publisher = start(Map.of("herald.publisher.min-replica-acks", 1, "herald.publisher.replica-ack-timeout", "3s"));
        String topic = "waiting-for-replicas";
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> unconfirmed = postAsync(topic, "{\"data\":\"x\"}");
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> publisher.history(topic).size() == 1);

        HttpResponse<String> info = publisher.get("/v1/topics/" + topic);
        long infoMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(unconfirmed).as("the publish still waits for its replica").isNotDone();
        assertThat(infoMillis).as("a command on the publisher's connection is not held behind the WAIT").isLessThan(2000);
        HttpResponse<String> answer = unconfirmed.join();
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(TestPublisher.json(answer).get("error").asText()).isEqualTo("not_replicated");
    }

    private TestPublisher start(Map<String, Object> overrides) {
        Map<String, Object> all = new HashMap<>(overrides);
        all.put("herald.partitions", 16);
        return TestPublisher.start(redis.uri(), all);
    }

    /** Posts each body to {@code topic} while Redis holds writes for {@code pauseMillis}, one request first, alone in flight. */
    private List<HttpResponse<String>> whilePaused(int pauseMillis, List<String> bodies, String topic) {
        redis.server().send("CLIENT", "PAUSE", String.valueOf(pauseMillis), "WRITE");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        answers.add(postAsync(topic, bodies.get(0)));
        awaitScriptCalls(1);
        bodies.subList(1, bodies.size()).forEach(body -> answers.add(postAsync(topic, body)));
        return answers.stream().map(CompletableFuture::join).toList();
    }

    private static void assertOverloaded(List<HttpResponse<String>> refused) {
        assertThat(refused).isNotEmpty();
        for (HttpResponse<String> r : refused) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            JsonNode body = TestPublisher.json(r);
            assertThat(body.get("error").asText()).isEqualTo("overloaded");
        }
    }

    private List<String> topicsInPartitionOf(String topic, int count) {
        int partition = publisher.partitionOf(topic);
        return IntStream.range(0, 10_000).mapToObj(i -> "neighbour-" + i).filter(t -> publisher.partitionOf(t) == partition).limit(count).toList();
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String topic, String json) {
        return HTTP.sendAsync(HttpRequest.newBuilder(publisher.uri("/v1/topics/" + topic + "/events")).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the publisher has sent {@code calls} script calls (held by the pause, they are not yet answered). */
    private void awaitScriptCalls(int calls) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> metric("herald_publisher_script_events_count") >= calls);
    }

    private double maxEventsPerCall() {
        return metric("herald_publisher_script_events_max");
    }

    private double metric(String series) {
        Matcher m = Pattern.compile("(?m)^" + series + "(?:\\{[^}]*\\})? (\\S+)$").matcher(publisher.getAdmin("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
