package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The publisher's meters as Prometheus scrapes them from the admin port. Each test has a publisher (and
 * so a registry) of its own, so counts are exact. Requests are recorded when their exchange ends, which
 * may be just after the client has the answer, so scrapes are retried briefly.
 */
class MetricsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    private TestPublisher publisher;

    @BeforeEach
    void start() {
        publisher = TestPublisher.start(redis.uri(), Map.of("herald.publisher.limits.max-body", "4KiB", "herald.publisher.limits.max-event-data", "1KiB"));
    }

    @AfterEach
    void stop() {
        publisher.close();
    }

    @Test
    void afterAGoodAndABadRequestTheAdminPortServesEventsRequestsErrorsAndJvmMetrics() {
        publisher.publish("metrics", "x");
        publisher.post("/v1/events", "[{\"topic\":\"metrics\",\"data\":\"y\"},{\"topic\":\"other\",\"data\":\"z\"}]");
        publisher.post("/v1/topics/metrics/events", "{\"data\":");

        awaitScrape(
                "herald_publisher_events_total{service=\"publisher\"} 3.0",
                "herald_publisher_requests_seconds_bucket{route=\"publish\",service=\"publisher\",status=\"201\",le=\"+Inf\"} 1",
                "herald_publisher_requests_seconds_bucket{route=\"publish\",service=\"publisher\",status=\"400\",le=\"+Inf\"} 1",
                "herald_publisher_requests_seconds_bucket{route=\"batch\",service=\"publisher\",status=\"201\",le=\"+Inf\"} 1",
                "herald_publisher_errors_total{code=\"invalid_json\",service=\"publisher\"} 1.0",
                "jvm_memory_used_bytes{");
    }

    @Test
    void everyErrorCodeIsExportedAtZeroBeforeItFirstHappens() {
        awaitScrape(
                "herald_publisher_errors_total{code=\"redis_unavailable\",service=\"publisher\"} 0.0",
                "herald_publisher_errors_total{code=\"body_too_large\",service=\"publisher\"} 0.0",
                "herald_publisher_events_total{service=\"publisher\"} 0.0");
    }

    @Test
    void unknownRoutesAndWrongMethodsAreTimedAsOtherAndCountedByCode() {
        publisher.get("/nowhere");
        publisher.send(HttpRequest.newBuilder(publisher.uri("/v1/events")).DELETE().build());

        awaitScrape(
                "herald_publisher_requests_seconds_count{route=\"other\",service=\"publisher\",status=\"404\"} 1",
                "herald_publisher_requests_seconds_count{route=\"other\",service=\"publisher\",status=\"405\"} 1",
                "herald_publisher_errors_total{code=\"not_found\",service=\"publisher\"} 1.0",
                "herald_publisher_errors_total{code=\"method_not_allowed\",service=\"publisher\"} 1.0");
    }

    @Test
    void topicInfoAndHealthAreTimedUnderTheirOwnRoutes() {
        publisher.get("/v1/topics/metrics");
        publisher.get("/v1/topics/.starts-with-a-dot");
        publisher.get("/health");

        awaitScrape(
                "herald_publisher_requests_seconds_count{route=\"topic\",service=\"publisher\",status=\"200\"} 1",
                "herald_publisher_requests_seconds_count{route=\"topic\",service=\"publisher\",status=\"400\"} 1",
                "herald_publisher_requests_seconds_count{route=\"health\",service=\"publisher\",status=\"200\"} 1",
                "herald_publisher_errors_total{code=\"invalid_topic\",service=\"publisher\"} 1.0");
    }

    @Test
    void aBodyRefusedForItsSizeIsTimedAndCountedLikeAnyOtherRefusal() {
        HttpResponse<String> response = publisher.post("/v1/topics/metrics/events", BodyPublishers.ofString("{\"data\":\"" + "x".repeat(5000) + "\"}"));
        assertThat(response.statusCode()).isEqualTo(413);

        awaitScrape(
                "herald_publisher_requests_seconds_count{route=\"publish\",service=\"publisher\",status=\"413\"} 1",
                "herald_publisher_errors_total{code=\"body_too_large\",service=\"publisher\"} 1.0",
                "herald_publisher_events_total{service=\"publisher\"} 0.0");
    }

    private void awaitScrape(String... lines) {
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> response = publisher.getAdmin("/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            assertThat(response.body()).contains(lines);
        });
    }
}
