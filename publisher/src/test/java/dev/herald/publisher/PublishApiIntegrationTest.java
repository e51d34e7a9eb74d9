package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.common.redis.EntryFields;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import io.lettuce.core.StreamMessage;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The publish API over real HTTP, checked against what lands in Redis. Each test uses topics of its own. */
class PublishApiIntegrationTest {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;

    @BeforeAll
    static void start() {
        publisher = TestPublisher.start(redis.uri(), Map.of());
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    @Test
    void aPublishedEventIsAnswered201WithItsIdAndIsInTheTopicHistoryAndThePartitionFeedUnderThatId() {
        HttpResponse<String> response = publisher.post("/v1/topics/orders/events", "{\"data\":\"hello\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = TestPublisher.json(response);
        assertThat(body.get("topic").asText()).isEqualTo("orders");
        String id = body.get("id").asText();
        assertThat(id).matches("\\d+:\\d+-\\d+").startsWith(publisher.partitionOf("orders") + ":");
        String entryId = entryId(id);

        List<StreamMessage<String, String>> history = publisher.history("orders");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).getId()).isEqualTo(entryId);
        assertThat(history.get(0).getBody()).containsEntry(EntryFields.DATA, "hello").containsKey(EntryFields.PUBLISHED_MICROS);
        StreamMessage<String, String> feed = publisher.feedEntry("orders", entryId);
        assertThat(feed).as("feed entry %s", entryId).isNotNull();
        assertThat(feed.getBody()).containsEntry(EntryFields.TOPIC, "orders").containsEntry(EntryFields.DATA, "hello")
                .containsEntry(EntryFields.PUBLISHED_MICROS, history.get(0).getBody().get(EntryFields.PUBLISHED_MICROS));
    }

    @Test
    void stringDataIsStoredAsSentWithItsLineBreaksAndUnicode() {
        String data = "line1\r\nline2\nłódź 🎉 \"quoted\" \\ \u0000 end";
        HttpResponse<String> response = publisher.post("/v1/topics/text-data/events", "{\"data\":" + TestPublisher.jsonString(data) + "}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(storedData("text-data")).isEqualTo(data);
    }

    static Stream<Arguments> jsonData() {
        return Stream.of(
                Arguments.of("object", "{ \"id\" : 42, \"total\" : \"9.90\", \"tags\" : [ \"a\" , null ] }", "{\"id\":42,\"total\":\"9.90\",\"tags\":[\"a\",null]}"),
                Arguments.of("array", "[ 1, 2 , [ ] , { } ]", "[1,2,[],{}]"),
                Arguments.of("integer", "42", "42"),
                Arguments.of("negative fraction", "-0.5", "-0.5"),
                Arguments.of("fraction with trailing zero", "1.10", "1.10"),
                Arguments.of("integer beyond 64 bits", "123456789012345678901234567890", "123456789012345678901234567890"),
                Arguments.of("fraction beyond a double's precision", "12345678901234567890.123", "12345678901234567890.123"),
                Arguments.of("exponent beyond a double's range", "1e400", "1E+400"),
                Arguments.of("true", "true", "true"),
                Arguments.of("false", "false", "false"),
                Arguments.of("string inside an object", "{\"s\":\"a\\nb\"}", "{\"s\":\"a\\nb\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonData")
    void dataThatIsNotAStringIsStoredAsItsCompactJsonTextWithTheExactValue(String kind, String sent, String stored) {
        String topic = "json-data-" + kind.replaceAll("[^a-z0-9]+", "-");
        HttpResponse<String> response = publisher.post("/v1/topics/" + topic + "/events", "{\"data\": " + sent + " }");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(storedData(topic)).isEqualTo(stored);
    }

    @Test
    void eventNameAndRetryAreStoredWithTheEvent() {
        publisher.post("/v1/topics/named/events", "{\"event\":\"order.created\",\"data\":\"x\",\"retry\":5000}");

        Map<String, String> entry = publisher.history("named").get(0).getBody();
        assertThat(entry).containsEntry(EntryFields.EVENT, "order.created").containsEntry(EntryFields.RETRY, "5000");
    }

    @Test
    void anEventWithoutNameOrRetryIsStoredWithBothEmpty() {
        publisher.post("/v1/topics/plain/events", "{\"data\":\"x\",\"event\":null,\"retry\":null}");

        Map<String, String> entry = publisher.history("plain").get(0).getBody();
        assertThat(entry).containsEntry(EntryFields.EVENT, "").containsEntry(EntryFields.RETRY, "");
    }

    @Test
    void theLimitsOfEventNameAndRetryAreAccepted() {
        String name = "n".repeat(256);
        HttpResponse<String> response = publisher.post("/v1/topics/limits/events",
                "{\"event\":\"" + name + "\",\"data\":\"x\",\"retry\":86400000}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(publisher.history("limits").get(0).getBody()).containsEntry(EntryFields.EVENT, name).containsEntry(EntryFields.RETRY, "86400000");
    }

    @Test
    void aTopicInTheQueryStringDoesNotReplaceTheTopicInThePath() {
        HttpResponse<String> response = publisher.post("/v1/topics/path-topic/events?topic=query-topic", "{\"data\":\"x\"}");

        assertThat(TestPublisher.json(response).get("topic").asText()).isEqualTo("path-topic");
        assertThat(publisher.history("path-topic")).hasSize(1);
        assertThat(publisher.history("query-topic")).isEmpty();
    }

    @Test
    void aBatchOverSeveralPartitionsAnswersEachIdInRequestOrderAndAppendsEachEventToItsHistory() {
        List<String> topics = List.of("batch-a", "batch-b", "batch-c", "batch-d", "batch-a", "batch-e", "batch-a");
        assertThat(topics.stream().map(publisher::partitionOf).distinct().count()).as("partitions the batch spans").isGreaterThan(2);
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < topics.size(); i++) {
            batch.append(i == 0 ? "" : ",").append("{\"topic\":\"").append(topics.get(i)).append("\",\"data\":\"#").append(i).append("\"}");
        }

        HttpResponse<String> response = publisher.post("/v1/events", batch.append(']').toString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode events = TestPublisher.json(response).get("events");
        assertThat(events).hasSize(topics.size());
        for (int i = 0; i < topics.size(); i++) {
            String topic = topics.get(i);
            String id = events.get(i).get("id").asText();
            assertThat(events.get(i).get("topic").asText()).isEqualTo(topic);
            assertThat(id).startsWith(publisher.partitionOf(topic) + ":");
            String data = "#" + i;
            assertThat(publisher.history(topic)).as("history of %s", topic)
                    .anySatisfy(entry -> assertThat(entry.getId() + " " + entry.getBody().get(EntryFields.DATA)).isEqualTo(entryId(id) + " " + data));
        }
        assertThat(publisher.history("batch-a")).extracting(entry -> entry.getBody().get(EntryFields.DATA))
                .as("one topic's events keep request order").containsExactly("#0", "#4", "#6");
    }

    @Test
    void topicInfoGivesTheLengthAndTheFirstAndLastIdsOfTheHistory() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(publisher.publish("info", "e" + i));
        }

        HttpResponse<String> response = publisher.get("/v1/topics/info");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode info = TestPublisher.json(response);
        assertThat(info.get("topic").asText()).isEqualTo("info");
        assertThat(info.get("partition").asInt()).isEqualTo(publisher.partitionOf("info"));
        assertThat(info.get("length").asLong()).isEqualTo(3);
        assertThat(info.get("firstId").asText()).isEqualTo(ids.get(0));
        assertThat(info.get("lastId").asText()).isEqualTo(ids.get(2));
    }

    @Test
    void topicInfoOfATopicNobodyPublishedToHasLengthZeroAndNullIds() {
        JsonNode info = TestPublisher.json(publisher.get("/v1/topics/nobody-published-here"));

        assertThat(info.get("length").asLong()).isZero();
        assertThat(info.get("partition").asInt()).isEqualTo(publisher.partitionOf("nobody-published-here"));
        assertThat(info.get("firstId").isNull()).isTrue();
        assertThat(info.get("lastId").isNull()).isTrue();
    }

    @Test
    void healthIsUpWhileRedisIs() {
        HttpResponse<String> response = publisher.get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestPublisher.json(response).get("status").asText()).isEqualTo("up");
    }

    private static String storedData(String topic) {
        List<StreamMessage<String, String>> history = publisher.history(topic);
        assertThat(history).as("history of %s", topic).hasSize(1);
        return history.get(0).getBody().get(EntryFields.DATA);
    }

    private static String entryId(String eventId) {
        return eventId.substring(eventId.indexOf(':') + 1);
    }
}
