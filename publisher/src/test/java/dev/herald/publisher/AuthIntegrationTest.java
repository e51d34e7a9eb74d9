package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.common.auth.ApiKeys;
import dev.herald.common.auth.Tokens;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The publisher with authentication on, over real HTTP: who gets 401 (with which reason and challenge), who
 * gets 403, that refused requests append nothing, and which routes stay open.
 */
class AuthIntegrationTest {
    private static final String API_KEY = "hk_test_4b8e0d2f6a1c3e5b7d9f0a2c4e6b8d1f";

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;

    @BeforeAll
    static void start() {
        publisher = TestPublisher.start(redis.uri(), Map.of(
                "herald.auth.enabled", true,
                "herald.auth.jwt.hs256-secret", Tokens.SECRET,
                "herald.auth.api-keys", List.of(Map.of("key-sha256", ApiKeys.sha256Hex(API_KEY), "name", "billing", "publish", List.of("billing.*")))));
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    @Test
    void aTokenMayPublishToTopicsItsClaimMatches() {
        String token = Tokens.hs256("alice", List.of("news.*"), List.of());

        HttpResponse<String> response = publisher.post("/v1/topics/news.eu/events", "{\"data\":\"x\"}", "Authorization", "Bearer " + token);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(publisher.history("news.eu")).hasSize(1);
    }

    @Test
    void aTokenThatMayNotPublishToTheTopicIsAnswered403AndAppendsNothing() {
        String token = Tokens.hs256("alice", List.of("news.*"), List.of("*"));

        HttpResponse<String> response = publisher.post("/v1/topics/orders/events", "{\"data\":\"x\"}", "Authorization", "Bearer " + token);

        assertError(response, 403, "forbidden");
        assertThat(TestPublisher.json(response).get("message").asText()).contains("alice", "orders");
        assertThat(publisher.history("orders")).isEmpty();
    }

    @Test
    void aBatchWithOneForbiddenTopicIsAnswered403AndAppendsNothingAtAll() {
        String token = Tokens.hs256("alice", List.of("news.*"), List.of());
        long before = publisher.feedEntries();

        HttpResponse<String> response = publisher.post("/v1/events",
                "[{\"topic\":\"news.a\",\"data\":\"1\"},{\"topic\":\"news.b\",\"data\":\"2\"},{\"topic\":\"secret\",\"data\":\"3\"}]",
                "Authorization", "Bearer " + token);

        assertError(response, 403, "forbidden");
        assertThat(publisher.feedEntries()).isEqualTo(before);
    }

    @Test
    void noCredentialsAreAnswered401TokenMissingWithAChallengePerAcceptedScheme() {
        HttpResponse<String> response = publisher.post("/v1/topics/news.eu/events", "{\"data\":\"x\"}");

        assertUnauthorized(response, "token_missing");
        assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly("Bearer realm=\"herald\"", "ApiKey realm=\"herald\"");
    }

    @Test
    void anExpiredTokenIsAnswered401TokenExpiredWithTheReasonInTheChallenge() {
        String expired = Tokens.hs256(Tokens.secretBytes(), Tokens.claims("alice", Duration.ofMinutes(-5), List.of("*"), List.of()).build());

        HttpResponse<String> response = publisher.post("/v1/topics/news.eu/events", "{\"data\":\"x\"}", "Authorization", "Bearer " + expired);

        assertUnauthorized(response, "token_expired");
        assertThat(response.headers().allValues("WWW-Authenticate")).contains(
                "Bearer realm=\"herald\", error=\"invalid_token\", error_description=\"token_expired\"");
    }

    @Test
    void aTokenSignedWithAnotherSecretIsAnswered401TokenInvalid() {
        String forged = Tokens.hs256("forged-secret-forged-secret-forged-secret".getBytes(StandardCharsets.UTF_8),
                Tokens.claims("mallory", Duration.ofMinutes(5), List.of("*"), List.of()).build());

        assertUnauthorized(publisher.post("/v1/topics/news.eu/events", "{\"data\":\"x\"}", "Authorization", "Bearer " + forged), "token_invalid");
    }

    @ParameterizedTest(name = "Authorization: {0}")
    @ValueSource(strings = {"Bearer not-a-token", "Bearer "})
    void aMalformedOrEmptyBearerTokenIsAnswered401(String authorization) {
        HttpResponse<String> response = publisher.post("/v1/topics/news.eu/events", "{\"data\":\"x\"}", "Authorization", authorization);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(TestPublisher.json(response).get("reason").asText()).isIn("token_malformed", "token_missing");
    }

    @Test
    void anUnsupportedAuthorizationSchemeIsAnswered401() {
        assertUnauthorized(publisher.post("/v1/topics/news.eu/events", "{\"data\":\"x\"}", "Authorization", "Basic YTpi"), "token_missing");
    }

    @Test
    void anApiKeyMayPublishInTheAuthorizationHeaderOrInXApiKey() {
        HttpResponse<String> viaAuthorization = publisher.post("/v1/topics/billing.invoices/events", "{\"data\":\"1\"}", "Authorization", "ApiKey " + API_KEY);
        HttpResponse<String> viaHeader = publisher.post("/v1/topics/billing.invoices/events", "{\"data\":\"2\"}", "X-Api-Key", API_KEY);
        HttpResponse<String> elsewhere = publisher.post("/v1/topics/news.eu/events", "{\"data\":\"3\"}", "X-Api-Key", API_KEY);

        assertThat(viaAuthorization.statusCode()).as(viaAuthorization.body()).isEqualTo(201);
        assertThat(viaHeader.statusCode()).as(viaHeader.body()).isEqualTo(201);
        assertError(elsewhere, 403, "forbidden");
        assertThat(TestPublisher.json(elsewhere).get("message").asText()).contains("billing");
    }

    @Test
    void anUnknownApiKeyIsAnswered401ApiKeyInvalid() {
        assertUnauthorized(publisher.post("/v1/topics/billing.x/events", "{\"data\":\"x\"}", "X-Api-Key", API_KEY + "0"), "api_key_invalid");
    }

    @Test
    void topicInfoNeedsAGrantToPublishOrSubscribeToTheTopic() {
        String subscriber = Tokens.hs256("bob", List.of(), List.of("prices"));

        assertThat(publisher.get("/v1/topics/prices", "Authorization", "Bearer " + subscriber).statusCode()).isEqualTo(200);
        assertError(publisher.get("/v1/topics/orders", "Authorization", "Bearer " + subscriber), 403, "forbidden");
        assertUnauthorized(publisher.get("/v1/topics/prices"), "token_missing");
    }

    @Test
    void deletingATopicNeedsAGrantToPublishToIt() {
        String writer = Tokens.hs256("alice", List.of("news.*"), List.of());
        String reader = Tokens.hs256("bob", List.of(), List.of("news.*"));
        assertThat(publisher.post("/v1/topics/news.gone/events", "{\"data\":\"x\"}", "Authorization", "Bearer " + writer).statusCode())
                .isEqualTo(201);

        assertUnauthorized(delete("/v1/topics/news.gone"), "token_missing");
        assertError(delete("/v1/topics/news.gone", "Authorization", "Bearer " + reader), 403, "forbidden");
        assertThat(publisher.history("news.gone")).hasSize(1);
        assertThat(delete("/v1/topics/news.gone", "Authorization", "Bearer " + writer).statusCode()).isEqualTo(204);
        assertThat(publisher.history("news.gone")).isEmpty();
    }

    private static HttpResponse<String> delete(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(publisher.uri(path)).DELETE();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return publisher.send(request.build());
    }

    @Test
    void theOpenApiDescriptionAndHealthNeedNoCredentials() {
        assertThat(publisher.get("/v1/openapi.yaml").statusCode()).isEqualTo(200);
        assertThat(publisher.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void unauthorizedAnswersAreCountedByCode() {
        publisher.post("/v1/topics/news.eu/events", "{\"data\":\"x\"}");

        assertThat(publisher.getAdmin("/metrics").body()).containsPattern("herald_publisher_errors_total\\{code=\"unauthorized\",service=\"publisher\"} [1-9]");
    }

    private static void assertUnauthorized(HttpResponse<String> response, String reason) {
        assertError(response, 401, "unauthorized");
        assertThat(TestPublisher.json(response).get("reason").asText()).isEqualTo(reason);
        assertThat(response.headers().allValues("WWW-Authenticate")).isNotEmpty();
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = TestPublisher.json(response);
        assertThat(body.get("error").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
    }
}
