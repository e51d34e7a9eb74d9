package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Idempotent publishing over real HTTP: a retry with the same key gets the first event's ID and appends
 * nothing, whichever publisher instance it reaches. Each test uses topics of its own.
 */
class IdempotencyIntegrationTest {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;
    static TestPublisher other;

    @BeforeAll
    static void start() {
        publisher = TestPublisher.start(redis.uri(), Map.of());
        other = TestPublisher.start(redis.uri(), Map.of());
    }

    @AfterAll
    static void stop() {
        publisher.close();
        other.close();
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyIsAnswered200WithTheFirstIdAndAppendsNothing() {
        HttpResponse<String> first = publisher.post("/v1/topics/idem-one/events", "{\"data\":\"x\"}", "Idempotency-Key", "k-1");
        HttpResponse<String> retry = publisher.post("/v1/topics/idem-one/events", "{\"data\":\"x\"}", "Idempotency-Key", "k-1");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        JsonNode firstBody = TestPublisher.json(first);
        JsonNode retryBody = TestPublisher.json(retry);
        assertThat(firstBody.get("duplicate").asBoolean()).isFalse();
        assertThat(retryBody.get("duplicate").asBoolean()).isTrue();
        assertThat(retryBody.get("id").asText()).isEqualTo(firstBody.get("id").asText());
        assertThat(retryBody.get("topic").asText()).isEqualTo("idem-one");
        assertThat(publisher.history("idem-one")).hasSize(1);
    }

    @Test
    void aKeyReusedWithAnotherBodyIsAnswered422AndAppendsNothingWhileTheSameBodyIsStillADuplicate() {
        String id = TestPublisher.json(publisher.post("/v1/topics/idem-reused/events", "{\"data\":\"x\"}", "Idempotency-Key", "k-r")).get("id").asText();

        for (String body : List.of("{\"data\":\"y\"}", "{\"data\":\"x\",\"event\":\"renamed\"}", "{\"data\":\"x\",\"retry\":10}")) {
            HttpResponse<String> reused = other.post("/v1/topics/idem-reused/events", body, "Idempotency-Key", "k-r");
            assertThat(reused.statusCode()).as(reused.body()).isEqualTo(422);
            assertThat(TestPublisher.json(reused).get("error").asText()).isEqualTo("idempotency_key_reused");
        }
        HttpResponse<String> batch = publisher.post("/v1/events", "[{\"topic\":\"idem-reused\",\"data\":\"new\"},"
                + "{\"topic\":\"idem-reused\",\"data\":\"z\",\"idempotencyKey\":\"k-r\"}]");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(422);
        HttpResponse<String> retry = publisher.post("/v1/topics/idem-reused/events", "{\"data\":\"x\"}", "Idempotency-Key", "k-r");

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(TestPublisher.json(retry).get("id").asText()).isEqualTo(id);
        assertThat(publisher.history("idem-reused")).extracting(m -> m.getBody().get("d")).containsExactly("x");
    }

    @Test
    void aReusedKeyAmongConcurrentPublishesFailsOnlyItsOwnRequest() {
        publisher.post("/v1/topics/idem-concurrent/events", "{\"data\":\"first\"}", "Idempotency-Key", "taken");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String key = i == 10 ? "taken" : "c-" + i;
            answers.add(CompletableFuture.supplyAsync(() -> publisher.post("/v1/topics/idem-concurrent/events", "{\"data\":\"again\"}", "Idempotency-Key", key)));
        }

        List<Integer> statuses = answers.stream().map(a -> a.join().statusCode()).toList();

        assertThat(statuses.get(10)).isEqualTo(422);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(19);
        assertThat(publisher.history("idem-concurrent")).hasSize(20);
    }

    @Test
    void aRetryReachingAnotherPublisherInstanceIsStillADuplicate() {
        String id = TestPublisher.json(publisher.post("/v1/topics/idem-two/events", "{\"data\":\"x\"}", "Idempotency-Key", "k-2")).get("id").asText();

        HttpResponse<String> retry = other.post("/v1/topics/idem-two/events", "{\"data\":\"x\"}", "Idempotency-Key", "k-2");

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(TestPublisher.json(retry).get("id").asText()).isEqualTo(id);
        assertThat(publisher.history("idem-two")).hasSize(1);
    }

    @Test
    void withoutAKeyOrWithAnotherKeyEveryPublishAppends() {
        publisher.post("/v1/topics/idem-three/events", "{\"data\":\"x\"}");
        publisher.post("/v1/topics/idem-three/events", "{\"data\":\"x\"}");
        publisher.post("/v1/topics/idem-three/events", "{\"data\":\"x\"}", "Idempotency-Key", "a");
        HttpResponse<String> other = publisher.post("/v1/topics/idem-three/events", "{\"data\":\"x\"}", "Idempotency-Key", "b");

        assertThat(other.statusCode()).isEqualTo(201);
        assertThat(publisher.history("idem-three")).hasSize(4);
    }

    @Test
    void theSameKeyOnAnotherTopicIsAnotherKey() {
        publisher.post("/v1/topics/idem-four-a/events", "{\"data\":\"x\"}", "Idempotency-Key", "shared");
        HttpResponse<String> response = publisher.post("/v1/topics/idem-four-b/events", "{\"data\":\"x\"}", "Idempotency-Key", "shared");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(publisher.history("idem-four-b")).hasSize(1);
    }

    @Test
    void aTopicAndKeyThatSpellAnotherPairsTopicAndKeyDoNotCollide() {
        publisher.post("/v1/topics/idem-five/events", "{\"data\":\"x\"}", "Idempotency-Key", "b:c");
        HttpResponse<String> response = publisher.post("/v1/topics/idem-five:b/events", "{\"data\":\"y\"}", "Idempotency-Key", "c");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(publisher.history("idem-five:b")).hasSize(1);
    }

    @Test
    void batchItemsCarryTheirOwnKeysAndABatchOfOnlyRetriesIsAnswered200() {
        String batch = "[{\"topic\":\"idem-batch\",\"data\":\"1\",\"idempotencyKey\":\"i-1\"},"
                + "{\"topic\":\"idem-batch\",\"data\":\"2\"},{\"topic\":\"idem-batch-b\",\"data\":\"3\",\"idempotencyKey\":\"i-3\"}]";
        HttpResponse<String> first = publisher.post("/v1/events", batch);
        String retries = "[{\"topic\":\"idem-batch\",\"data\":\"1\",\"idempotencyKey\":\"i-1\"},"
                + "{\"topic\":\"idem-batch-b\",\"data\":\"3\",\"idempotencyKey\":\"i-3\"}]";
        HttpResponse<String> retry = publisher.post("/v1/events", retries);
        HttpResponse<String> mixed = publisher.post("/v1/events", "[{\"topic\":\"idem-batch\",\"data\":\"1\",\"idempotencyKey\":\"i-1\"},"
                + "{\"topic\":\"idem-batch\",\"data\":\"4\",\"idempotencyKey\":\"i-4\"}]");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        JsonNode firstEvents = TestPublisher.json(first).get("events");
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        JsonNode retried = TestPublisher.json(retry).get("events");
        assertThat(retried.get(0).get("id").asText()).isEqualTo(firstEvents.get(0).get("id").asText());
        assertThat(retried.get(1).get("id").asText()).isEqualTo(firstEvents.get(2).get("id").asText());
        assertThat(retried).allSatisfy(item -> assertThat(item.get("duplicate").asBoolean()).isTrue());
        assertThat(mixed.statusCode()).as("anything new makes it a 201").isEqualTo(201);
        JsonNode mixedEvents = TestPublisher.json(mixed).get("events");
        assertThat(mixedEvents.get(0).get("duplicate").asBoolean()).isTrue();
        assertThat(mixedEvents.get(1).get("duplicate").asBoolean()).isFalse();
        assertThat(publisher.history("idem-batch")).extracting(m -> m.getBody().get("d")).containsExactly("1", "2", "4");
        assertThat(publisher.history("idem-batch-b")).hasSize(1);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"has space", "tab\there", "é", "\u007f"})
    void aKeyOutsideVisibleAsciiInABatchItemIsRefusedAsInvalidIdempotencyKey(String key) {
        String body = "[{\"topic\":\"idem-bad\",\"data\":\"x\",\"idempotencyKey\":" + TestPublisher.jsonString(key) + "}]";

        HttpResponse<String> response = publisher.post("/v1/events", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(TestPublisher.json(response).get("error").asText()).isEqualTo("invalid_idempotency_key");
        assertThat(publisher.history("idem-bad")).isEmpty();
    }
}
