package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.common.event.Cursor;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Concurrent publishes to one partition share publish-script calls: while Redis holds one call (paused
 * here with {@code CLIENT PAUSE}), the requests that arrive wait and go together in the next. Every request
 * still gets its own ID, nothing is lost or doubled, and idempotency holds inside a shared call.
 */
class GroupCommitIntegrationTest {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final int PARTITIONS = 16;

    @BeforeAll
    static void start() {
        publisher = TestPublisher.start(redis.uri(), Map.of("herald.partitions", PARTITIONS));
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    @Test
    void requestsThatArriveWhileACallIsInFlightShareTheNextCall() {
        String topic = "group-commit";
        long callsBefore = scriptCalls();
        redis.server().send("CLIENT", "PAUSE", "500", "WRITE");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            answers.add(postAsync(topic, "{\"data\":\"m" + i + "\"}"));
        }
        List<HttpResponse<String>> responses = answers.stream().map(CompletableFuture::join).toList();

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(201));
        List<String> ids = responses.stream().map(r -> TestPublisher.json(r).get("id").asText()).toList();
        assertThat(new HashSet<>(ids)).hasSize(40);
        List<String> history = publisher.history(topic).stream().map(m -> m.getBody().get("d")).toList();
        assertThat(history).hasSize(40);
        assertThat(history.stream().collect(Collectors.toSet()))
                .isEqualTo(IntStream.range(0, 40).mapToObj(i -> "m" + i).collect(Collectors.toSet()));
        // Each answer's ID is the entry that holds its own data.
        for (int i = 0; i < 40; i++) {
            String entryId = Cursor.parse(ids.get(i), PARTITIONS).position(publisher.partitionOf(topic)).toString();
            assertThat(publisher.feedEntry(topic, entryId).getBody().get("d")).isEqualTo("m" + i);
        }
        // The first call waited out the pause; the 39 requests behind it went in far fewer calls.
        assertThat(scriptCalls() - callsBefore).isLessThan(10);
    }

    @Test
    void twoRequestsWithOneIdempotencyKeyInOneSharedCallAppendOnce() {
        String topic = "group-commit-idem";
        redis.server().send("CLIENT", "PAUSE", "300", "WRITE");
        CompletableFuture<HttpResponse<String>> blocker = postAsync(topic, "{\"data\":\"first\"}");
        CompletableFuture<HttpResponse<String>> a = postAsync(topic, "{\"data\":\"a\"}", "Idempotency-Key", "k-1");
        CompletableFuture<HttpResponse<String>> b = postAsync(topic, "{\"data\":\"a\"}", "Idempotency-Key", "k-1");

        assertThat(blocker.join().statusCode()).isEqualTo(201);
        JsonNode first = TestPublisher.json(a.join());
        JsonNode second = TestPublisher.json(b.join());
        assertThat(List.of(a.join().statusCode(), b.join().statusCode())).containsExactlyInAnyOrder(201, 200);
        assertThat(first.get("id").asText()).isEqualTo(second.get("id").asText());
        assertThat(publisher.history(topic)).hasSize(2);
    }

    @Test
    void aKeyReusedForAnotherBodyInASharedCallFailsOnlyItsOwnRequest() {
        String topic = "group-commit-reused";
        redis.server().send("CLIENT", "PAUSE", "300", "WRITE");
        CompletableFuture<HttpResponse<String>> blocker = postAsync(topic, "{\"data\":\"first\"}");
        CompletableFuture<HttpResponse<String>> a = postAsync(topic, "{\"data\":\"a\"}", "Idempotency-Key", "k-1");
        CompletableFuture<HttpResponse<String>> b = postAsync(topic, "{\"data\":\"b\"}", "Idempotency-Key", "k-1");
        CompletableFuture<HttpResponse<String>> c = postAsync(topic, "{\"data\":\"c\"}");

        assertThat(blocker.join().statusCode()).isEqualTo(201);
        assertThat(List.of(a.join().statusCode(), b.join().statusCode())).containsExactlyInAnyOrder(201, 422);
        assertThat(c.join().statusCode()).isEqualTo(201);
        assertThat(publisher.history(topic)).hasSize(3);
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(String topic, String json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(publisher.uri("/v1/topics/" + topic + "/events"))
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(json));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long scriptCalls() {
        String stats = redis.server().send("INFO", "commandstats");
        long calls = 0;
        Matcher m = Pattern.compile("cmdstat_(?:evalsha|eval):calls=(\\d+)").matcher(stats);
        while (m.find()) {
            calls += Long.parseLong(m.group(1));
        }
        return calls;
    }
}
