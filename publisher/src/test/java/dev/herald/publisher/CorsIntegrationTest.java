package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.common.auth.Tokens;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CORS in front of an authenticating publisher: a preflight is answered without credentials, and every
 * answer to an allowed origin, errors included, is readable by the page.
 */
class CorsIntegrationTest {
    private static final String APP = "https://app.example.com";

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;

    @BeforeAll
    static void start() {
        publisher = TestPublisher.start(redis.uri(), Map.of(
                "herald.auth.enabled", true,
                "herald.auth.jwt.hs256-secret", Tokens.SECRET,
                "herald.cors.allowed-origins", List.of(APP)));
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    @Test
    void aPreflightIsAnsweredWithoutCredentialsWithThePublishersMethodsAndHeaders() {
        HttpResponse<String> response = publisher.send(HttpRequest.newBuilder(publisher.uri("/v1/topics/news/events"))
                .header("Origin", APP).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST, GET, DELETE, OPTIONS");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).hasValue("Authorization, Content-Type, Idempotency-Key, X-Api-Key");
        assertThat(response.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
        assertThat(response.headers().allValues("Vary")).contains("Origin");
    }

    @Test
    void aRefusalIsReadableByAnAllowedOriginWithItsChallengeExposed() {
        HttpResponse<String> response = publisher.post("/v1/topics/news/events", "{\"data\":\"x\"}", "Origin", APP);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(response.headers().firstValue("Access-Control-Expose-Headers")).hasValue("Retry-After, WWW-Authenticate");
    }

    @Test
    void aPublishFromAnAllowedOriginCarriesTheCorsHeaders() {
        String token = Tokens.hs256("web", List.of("news"), List.of());

        HttpResponse<String> response = publisher.post("/v1/topics/news/events", "{\"data\":\"x\"}", "Origin", APP, "Authorization", "Bearer " + token);

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
    }

    @Test
    void anotherOriginGetsNoCorsHeaders() {
        HttpResponse<String> response = publisher.post("/v1/topics/news/events", "{\"data\":\"x\"}", "Origin", "https://evil.example.com");

        assertThat(response.headers().map()).doesNotContainKey("access-control-allow-origin");
    }
}
