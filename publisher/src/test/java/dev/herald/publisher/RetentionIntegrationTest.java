package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retention by topic pattern: the first matching override trims the history and is shown by topic info. */
class RetentionIntegrationTest {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;

    @BeforeAll
    static void start() {
        redis.server().send("CONFIG", "SET", "stream-node-max-entries", "5"); // so approximate trimming is close to exact
        List<Map<String, Object>> overrides = List.of(
                Map.of("pattern", "chat.*", "max-len", 5, "max-age", "1h"),
                Map.of("pattern", "audit.*", "max-len", 0, "max-age", "30d"));
        publisher = TestPublisher.start(redis.uri(), Map.of(
                "herald.retention.max-len", 50,
                "herald.retention.overrides", overrides));
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    @Test
    void aTopicMatchingAnOverrideIsTrimmedToItsMaxLenAndOthersToTheDefault() {
        for (int i = 0; i < 60; i++) {
            publisher.publish("chat.lobby", "m" + i);
            publisher.publish("orders", "o" + i);
            publisher.publish("audit.logins", "a" + i);
        }

        assertThat(publisher.redis().xlen(publisher.historyKey("chat.lobby"))).isBetween(5L, 10L);
        assertThat(publisher.redis().xlen(publisher.historyKey("orders"))).isBetween(50L, 55L);
        assertThat(publisher.redis().xlen(publisher.historyKey("audit.logins"))).as("no length limit").isEqualTo(60);
    }

    @Test
    void topicInfoShowsTheRetentionThatApplies() {
        JsonNode chat = TestPublisher.json(publisher.get("/v1/topics/chat.room-7")).get("retention");
        JsonNode orders = TestPublisher.json(publisher.get("/v1/topics/orders")).get("retention");
        JsonNode audit = TestPublisher.json(publisher.get("/v1/topics/audit.x")).get("retention");

        assertThat(chat.get("maxLen").asLong()).isEqualTo(5);
        assertThat(chat.get("maxAge").asText()).isEqualTo("PT1H");
        assertThat(orders.get("maxLen").asLong()).isEqualTo(50);
        assertThat(orders.get("maxAge").asText()).isEqualTo("PT24H");
        assertThat(audit.get("maxLen").isNull()).isTrue();
        assertThat(audit.get("maxAge").asText()).isEqualTo("PT720H");
        assertThat(orders.get("ttl").asText()).as("max-age, when set, is the TTL").isEqualTo("PT24H");
    }

    @Test
    void eachPublishSetsTheHistorysTtl() {
        publisher.publish("orders.ttl", "x");

        assertThat(publisher.redis().pttl(publisher.historyKey("orders.ttl"))).isBetween(Duration.ofHours(23).toMillis(), Duration.ofHours(24).toMillis());
    }
}
