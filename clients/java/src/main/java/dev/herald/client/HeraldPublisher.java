package dev.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Publishes events to a Herald publisher ({@code POST /v1/topics/{topic}/events}). Every publish carries an
 * {@code Idempotency-Key} (yours, or a fresh UUID), so retrying it is safe: a 503 (Redis unavailable,
 * overloaded, shutting down; after its {@code Retry-After}) or a failed connection is retried up to
 * {@code maxAttempts} times, and a retry of an event that was in fact appended answers with the first ID.
 * Other refusals (400, 401, 403, 413...) are not retried: they throw {@link HeraldException} with the
 * server's error code. Immutable and thread-safe.
 */
public final class HeraldPublisher {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String authorization;
    private final int maxAttempts;
    private final Duration retryBase;
    private final HttpClient http;

    private HeraldPublisher(URI base, String authorization, int maxAttempts, Duration retryBase, HttpClient http) {
        this.base = base;
        this.authorization = authorization;
        this.maxAttempts = maxAttempts;
        this.retryBase = retryBase;
        this.http = http;
    }

    /** A publisher client for {@code base} (e.g. {@code http://publisher:8080}), no credentials, 5 attempts. */
    public static HeraldPublisher to(URI base) {
        return new HeraldPublisher(base, null, 5, Duration.ofMillis(200),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** The same, sending {@code Authorization: Bearer <token>}. */
    public HeraldPublisher withBearerToken(String token) {
        return new HeraldPublisher(base, "Bearer " + Objects.requireNonNull(token), maxAttempts, retryBase, http);
    }

    /** The same, sending {@code Authorization: ApiKey <key>}. */
    public HeraldPublisher withApiKey(String key) {
        return new HeraldPublisher(base, "ApiKey " + Objects.requireNonNull(key), maxAttempts, retryBase, http);
    }

    /** The same, trying each publish at most {@code attempts} times (first try included). */
    public HeraldPublisher withMaxAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
        return new HeraldPublisher(base, authorization, attempts, retryBase, http);
    }

    /** Publishes {@code data} (text) as a {@code message} event, with a fresh idempotency key. */
    public Published publish(String topic, String data) {
        return publish(topic, null, data, UUID.randomUUID().toString());
    }

    /**
     * Publishes {@code data} as event {@code event} (null: {@code message}) under {@code idempotencyKey}: use
     * the same key to retry the same event later and it is appended at most once.
     */
    public Published publish(String topic, String event, String data, String idempotencyKey) {
        ObjectNode body = JSON.createObjectNode().put("data", data);
        if (event != null) {
            body.put("event", event);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/topics/" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "/events"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        for (int attempt = 1; ; attempt++) {
            HeraldException failure;
            try {
                HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 || r.statusCode() == 201) {
                    JsonNode answer = JSON.readTree(r.body());
                    return new Published(answer.get("topic").asText(), answer.get("id").asText(), answer.path("duplicate").asBoolean());
                }
                failure = refusal(r.statusCode(), r.headers(), r.body());
                if (r.statusCode() != 503) {
                    throw failure;
                }
            } catch (IOException e) {
                failure = new HeraldException(0, "connection_failed", e.toString(), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HeraldException(0, "interrupted", "interrupted while publishing", null);
            }
            if (attempt >= maxAttempts) {
                throw failure;
            }
            Backoff.sleep(Backoff.delay(retryBase, attempt, failure.retryAfter()));
        }
    }

    /** The refusal an answer other than 2xx stands for: its JSON error, or the raw body if it has none. */
    static HeraldException refusal(int status, HttpHeaders headers, String text) {
        String error = "http_" + status;
        String message = text;
        try {
            JsonNode body = JSON.readTree(text);
            if (body.hasNonNull("error")) {
                error = body.get("error").asText();
                message = body.path("message").asText(message);
            }
        } catch (IOException e) {
            // not JSON (a proxy's page): keep the raw body as the message
        }
        Duration retryAfter = headers.firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Long.parseLong(v.strip()));
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
        return new HeraldException(status, error, message, retryAfter);
    }
}
