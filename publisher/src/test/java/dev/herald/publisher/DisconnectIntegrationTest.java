package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.common.auth.Tokens;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /v1/disconnect} on the publisher with authentication on: what it writes to Redis for the
 * gateways (the control stream entry, and a revoked token ID with its expiry), who may ask for what, and that
 * bad requests get a 400 JSON error and write nothing. The gateways' side is {@code RevocationIntegrationTest}.
 */
class DisconnectIntegrationTest {
    private static final String CONTROL = "herald:revocations";
    private static final String REVOKED = "herald:revoked-tokens";
    private static final String ADMIN = "Bearer " + Tokens.hs256("ops", List.of("*"), List.of());

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;

    @BeforeAll
    static void start() {
        publisher = TestPublisher.start(redis.uri(), Map.of(
                "herald.auth.enabled", true,
                "herald.auth.jwt.hs256-secret", Tokens.SECRET,
                "herald.auth.jwt.clock-skew", "10s"));
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    private static HttpResponse<String> disconnect(String body, String authorization) {
        return publisher.post("/v1/disconnect", body, "Authorization", authorization);
    }

    private static List<StreamMessage<String, String>> control() {
        return publisher.redis().xrange(CONTROL, Range.create("-", "+"));
    }

    @Test
    void aSubjectOrTopicIsAppendedToTheControlStreamAndAnswered202() {
        int before = control().size();

        HttpResponse<String> bySubject = disconnect("{\"sub\":\"alice\"}", ADMIN);
        HttpResponse<String> byTopic = disconnect("{\"topic\":\"orders\"}", ADMIN);

        assertThat(bySubject.statusCode()).as(bySubject.body()).isEqualTo(202);
        assertThat(TestPublisher.json(bySubject).get("sub").asText()).isEqualTo("alice");
        assertThat(byTopic.statusCode()).isEqualTo(202);
        List<StreamMessage<String, String>> added = control().subList(before, control().size());
        assertThat(added).extracting(StreamMessage::getBody)
                .containsExactly(Map.of("by", "sub", "value", "alice"), Map.of("by", "topic", "value", "orders"));
    }

    @Test
    void aTokenIdIsKeptUntilItsExpiryPlusTheClockSkewAndExpiredOnesArePruned() {
        long exp = Instant.now().plusSeconds(300).getEpochSecond();
        publisher.redis().zadd(REVOKED, Instant.now().minusSeconds(1).toEpochMilli(), "long-gone");

        HttpResponse<String> response = disconnect("{\"jti\":\"t-1\",\"exp\":" + exp + "}", ADMIN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        Instant until = Instant.ofEpochSecond(exp).plusSeconds(10);
        assertThat(TestPublisher.json(response).get("refusedUntil").asText()).isEqualTo(until.toString());
        assertThat(publisher.redis().zscore(REVOKED, "t-1")).isEqualTo((double) until.toEpochMilli());
        assertThat(publisher.redis().zscore(REVOKED, "long-gone")).isNull();
        assertThat(control().get(control().size() - 1).getBody())
                .isEqualTo(Map.of("by", "jti", "value", "t-1", "until", Long.toString(until.toEpochMilli())));
    }

    @Test
    void byTopicNeedsAGrantToPublishToItAndBySubjectOrTokenIdAGrantToPublishEverywhere() {
        String news = "Bearer " + Tokens.hs256("editor", List.of("news.*"), List.of("*"));

        assertThat(disconnect("{\"topic\":\"news.eu\"}", news).statusCode()).isEqualTo(202);
        assertError(disconnect("{\"topic\":\"orders\"}", news), 403, "forbidden");
        assertError(disconnect("{\"sub\":\"alice\"}", news), 403, "forbidden");
        assertError(disconnect("{\"jti\":\"t-2\",\"exp\":4102444800}", news), 403, "forbidden");
        assertThat(publisher.post("/v1/disconnect", "{\"sub\":\"alice\"}").statusCode()).isEqualTo(401);
        assertThat(publisher.redis().zscore(REVOKED, "t-2")).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[]                                | invalid_body",
            "{}                                | invalid_body",
            "{\"sub\":\"a\",\"topic\":\"b\"}   | invalid_body",
            "{\"sub\":\"\"}                    | invalid_body",
            "{\"sub\":42}                      | invalid_body",
            "{\"sub\":\"a\",\"exp\":1}         | invalid_body",
            "{\"jti\":\"t-3\"}                 | invalid_body",
            "{\"jti\":\"t-3\",\"exp\":\"soon\"} | invalid_body",
            "{\"topic\":\"no/slash\"}          | invalid_topic",
            "{\"user\":\"alice\"}              | unknown_field",
            "{\"sub\":                         | invalid_json"})
    void aBadRequestIsAnswered400WithAJsonErrorAndWritesNothing(String body, String code) {
        int before = control().size();

        assertError(disconnect(body, ADMIN), 400, code);
        assertThat(control()).hasSize(before);
        assertThat(publisher.redis().zscore(REVOKED, "t-3")).isNull();
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = TestPublisher.json(response);
        assertThat(body.get("error").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
    }
}
