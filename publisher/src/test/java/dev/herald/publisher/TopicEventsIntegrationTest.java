package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/topics/{topic}/events}: pages of retained history in both directions, and bad queries. */
class TopicEventsIntegrationTest {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;
    static final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void start() {
        publisher = TestPublisher.start(redis.uri(), Map.of());
        for (int i = 0; i < 25; i++) {
            String body = i == 3 ? "{\"event\":\"order.created\",\"data\":\"e3\",\"retry\":5000}" : "{\"data\":\"e" + i + "\"}";
            HttpResponse<String> r = publisher.post("/v1/topics/pages/events", body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            ids.add(TestPublisher.json(r).get("id").asText());
        }
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    private static JsonNode page(String query) {
        HttpResponse<String> r = publisher.get("/v1/topics/pages/events" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestPublisher.json(r);
    }

    private static List<String> data(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("events").forEach(e -> out.add(e.get("data").asText()));
        return out;
    }

    private static String encoded(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    @Test
    void pagesAfterAnIdReadOldestFirstUntilHistoryEnds() {
        List<String> seen = new ArrayList<>();
        String after = ids.get(4);
        JsonNode page;
        do {
            page = page("?limit=7&after=" + encoded(after));
            assertThat(page.get("order").asText()).isEqualTo("oldest_first");
            seen.addAll(data(page));
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        List<String> expected = new ArrayList<>();
        for (int i = 5; i < 25; i++) {
            expected.add("e" + i);
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void withoutACursorTheNewestComeFirstAndBeforeWalksBack() {
        JsonNode first = page("?limit=10");
        assertThat(first.get("order").asText()).isEqualTo("newest_first");
        assertThat(data(first)).containsExactly("e24", "e23", "e22", "e21", "e20", "e19", "e18", "e17", "e16", "e15");
        assertThat(first.get("events").get(0).get("id").asText()).isEqualTo(ids.get(24));
        JsonNode second = page("?limit=10&before=" + encoded(first.get("next").asText()));
        assertThat(data(second)).containsExactly("e14", "e13", "e12", "e11", "e10", "e9", "e8", "e7", "e6", "e5");
        JsonNode last = page("?limit=10&before=" + encoded(second.get("next").asText()));
        assertThat(data(last)).containsExactly("e4", "e3", "e2", "e1", "e0");
        assertThat(last.get("next").isNull()).isTrue();
    }

    @Test
    void anEventKeepsItsIdNameRetryAndPublishTime() {
        JsonNode e = page("?limit=1&after=" + encoded(ids.get(2))).get("events").get(0);
        assertThat(e.get("id").asText()).isEqualTo(ids.get(3));
        assertThat(e.get("event").asText()).isEqualTo("order.created");
        assertThat(e.get("retry").asLong()).isEqualTo(5000);
        assertThat(e.get("publishedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        JsonNode plain = page("?limit=1&after=" + encoded(ids.get(3))).get("events").get(0);
        assertThat(plain.get("event").asText()).isEqualTo("message");
        assertThat(plain.get("retry").isNull()).isTrue();
    }

    @Test
    void aTopicWithNoHistoryHasAnEmptyPage() {
        HttpResponse<String> r = publisher.get("/v1/topics/never-published/events");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestPublisher.json(r).get("events")).isEmpty();
        assertThat(TestPublisher.json(r).get("next").isNull()).isTrue();
    }

    @Test
    void badQueriesAreRefusedWithInvalidQuery() {
        String otherId = TestPublisher.json(publisher.post("/v1/topics/" + otherPartitionTopic() + "/events", "{\"data\":\"x\"}")).get("id").asText();
        for (String query : List.of("?after=" + encoded(ids.get(0)) + "&before=" + encoded(ids.get(1)), "?after=nonsense",
                "?before=" + encoded(otherId), "?limit=0", "?limit=1001", "?limit=ten")) {
            HttpResponse<String> r = publisher.get("/v1/topics/pages/events" + query);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(TestPublisher.json(r).get("error").asText()).as(query).isEqualTo("invalid_query");
        }
    }

    /** A topic whose partition differs from that of "pages". */
    private static String otherPartitionTopic() {
        String pagesPartition = ids.get(0).substring(0, ids.get(0).indexOf(':'));
        for (int i = 0; ; i++) {
            String topic = "other" + i;
            String id = TestPublisher.json(publisher.post("/v1/topics/" + topic + "/events", "{\"data\":\"probe\"}")).get("id").asText();
            if (!id.startsWith(pagesPartition + ":")) {
                return topic;
            }
        }
    }
}
