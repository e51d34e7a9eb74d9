package dev.herald.publisher.mercure;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.common.auth.Tokens;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.common.redis.KeyLayout;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import io.lettuce.core.StreamMessage;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /.well-known/mercure} on a real publisher and Redis, with Herald's own authentication off (Mercure
 * publishing needs a token anyway): what is stored, the ID answered, the ID index, and every refusal appending nothing.
 */
class MercurePublishIntegrationTest {
    private static final String TOPIC = MercureUpdate.HERALD_TOPIC.name();

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;

    @BeforeAll
    static void start() {
        publisher = TestPublisher.start(redis.uri(), Map.of("herald.auth.jwt.hs256-secret", Tokens.SECRET));
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    @BeforeEach
    void clean() {
        redis.flushAll();
    }

    private static String token(List<String> publish) {
        return Tokens.hs256(Tokens.secretBytes(), new JWTClaimsSet.Builder().claim("mercure", Map.of("publish", publish)).build());
    }

    private static String form(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.append(b.isEmpty() ? "" : "&").append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    private static HttpResponse<String> post(String body, String contentType, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(publisher.uri("/.well-known/mercure"))
                .header("Content-Type", contentType).POST(BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return publisher.send(request.build());
    }

    private static HttpResponse<String> post(String body) {
        return post(body, "application/x-www-form-urlencoded", "Authorization", "Bearer " + token(List.of("*")));
    }

    @Test
    void anUpdateIsStoredWithItsTopicsAndAnsweredWithItsIdVerbatim() {
        String id = "id-[\"https://example.com/books/1\"]";
        HttpResponse<String> response = post(form("topic", "https://example.com/books/1", "topic", "urn:alt", "data", "a\nb",
                "private", "on", "id", id, "type", "book.updated", "retry", "1500"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(response.body()).isEqualTo(id);
        List<StreamMessage<String, String>> history = publisher.history(TOPIC);
        assertThat(history).hasSize(1);
        Map<String, String> entry = history.get(0).getBody();
        assertThat(MercureUpdate.decode(entry.get("d"))).isEqualTo(new MercureUpdate(List.of("https://example.com/books/1", "urn:alt"), true, id, "a\nb"));
        assertThat(entry).containsEntry("e", "book.updated").containsEntry("r", "1500");
        String index = new KeyLayout("herald").idIndex(publisher.partitionOf(TOPIC), id);
        assertThat(publisher.redis().get(index)).isEqualTo(history.get(0).getId());
    }

    @Test
    void withoutAnIdTheHubGeneratesOneFromTheEntry() {
        HttpResponse<String> response = post(form("topic", "urn:a", "data", "x"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("urn:herald:" + publisher.history(TOPIC).get(0).getId());
    }

    @Test
    void theTokenMayComeAsAQueryParameterOrCookieAndMustMatchEveryTopic() {
        String books = token(List.of("https://example.com/books/{id}"));
        HttpRequest viaQuery = HttpRequest.newBuilder(publisher.uri("/.well-known/mercure?authorization=" + books))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(BodyPublishers.ofString(form("topic", "https://example.com/books/2"))).build();
        assertThat(publisher.send(viaQuery).statusCode()).isEqualTo(200);
        String self = "http://" + publisher.uri("/").getAuthority();
        assertThat(post(form("topic", "https://example.com/books/3"), "application/x-www-form-urlencoded", "Cookie", "mercureAuthorization=" + books,
                "Origin", self).statusCode()).isEqualTo(200);
        for (String origin : new String[] {"https://evil.example", null}) {
            HttpResponse<String> forged = origin == null
                    ? post(form("topic", "https://example.com/books/5"), "application/x-www-form-urlencoded", "Cookie", "mercureAuthorization=" + books)
                    : post(form("topic", "https://example.com/books/5"), "application/x-www-form-urlencoded", "Cookie", "mercureAuthorization=" + books,
                            "Origin", origin);
            assertThat(forged.statusCode()).as("a cookie token from %s: no cross-site publishing", origin).isEqualTo(403);
        }

        HttpResponse<String> partly = post(form("topic", "https://example.com/books/4", "topic", "https://example.com/films/1"),
                "application/x-www-form-urlencoded", "Authorization", "Bearer " + books);
        assertThat(partly.statusCode()).as(partly.body()).isEqualTo(403);
        assertThat(publisher.history(TOPIC)).hasSize(2);
    }

    @Test
    void missingOrInvalidTokensAre401AndAppendNothing() {
        HttpResponse<String> none = post(form("topic", "urn:a"), "application/x-www-form-urlencoded");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        String forged = Tokens.hs256("x-not-the-secret-0123456789abcdefghijklmnop".getBytes(StandardCharsets.UTF_8),
                new JWTClaimsSet.Builder().claim("mercure", Map.of("publish", List.of("*"))).build());
        HttpResponse<String> invalid = post(form("topic", "urn:a"), "application/x-www-form-urlencoded", "Authorization", "Bearer " + forged);
        assertThat(invalid.statusCode()).isEqualTo(401);
        assertThat(invalid.body()).contains("token_invalid");
        HttpResponse<String> noClaim = post(form("topic", "urn:a"), "application/x-www-form-urlencoded", "Authorization",
                "Bearer " + Tokens.hs256(Tokens.secretBytes(), new JWTClaimsSet.Builder().build()));
        assertThat(noClaim.statusCode()).as("a token without mercure.publish may publish nothing").isEqualTo(403);
        assertThat(publisher.history(TOPIC)).isEmpty();
    }

    @Test
    void heraldsOwnApiMayNeitherWriteNorReadTheMercureTopic() {
        post(form("topic", "urn:a", "data", "private", "private", "on"));
        for (HttpResponse<String> response : List.of(publisher.post("/v1/topics/" + TOPIC + "/events", "{\"data\":\"x\"}"),
                publisher.post("/v1/events", "[{\"topic\":\"" + TOPIC + "\",\"data\":\"x\"}]"),
                publisher.get("/v1/topics/" + TOPIC + "/events"), publisher.get("/v1/topics/" + TOPIC))) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(TestPublisher.json(response).get("error").asText()).isEqualTo("invalid_topic");
            assertThat(response.body()).contains("reserved");
        }
        assertThat(publisher.history(TOPIC)).hasSize(1);
    }

    @Test
    void badInputIsA400WithAJsonErrorAndAppendsNothing() {
        String token = "Bearer " + token(List.of("*"));
        Map<String, String> bad = Map.of(
                form("data", "no topic"), "invalid_topic",
                form("topic", "urn:a", "id", "#reserved"), "invalid_event",
                form("topic", "urn:a", "id", "urn:herald:1-0"), "invalid_event",
                form("topic", "urn:a", "type", "a\nb"), "invalid_event",
                form("topic", "urn:a", "retry", "soon"), "invalid_retry",
                form("topic", "urn:a", "data", "1", "data", "2"), "invalid_body",
                "topic=urn%3Aa&data=%zz", "invalid_body",
                form("topic", ""), "invalid_topic");
        bad.forEach((body, code) -> {
            HttpResponse<String> response = post(body, "application/x-www-form-urlencoded", "Authorization", token);
            assertThat(response.statusCode()).as(body + ": " + response.body()).isEqualTo(400);
            assertThat(TestPublisher.json(response).get("error").asText()).as(body).isEqualTo(code);
        });
        HttpResponse<String> json = post("{\"topic\":\"urn:a\"}", "application/json", "Authorization", token);
        assertThat(json.statusCode()).as("a JSON body, unread").isEqualTo(415);
        assertThat(TestPublisher.json(json).get("error").asText()).isEqualTo("unsupported_media_type");
        assertThat(publisher.history(TOPIC)).isEmpty();
        assertThat(post(form("topic", "urn:a")).statusCode()).as("still serving").isEqualTo(200);
    }
}
