package dev.herald.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.common.config.ClientTimeouts;
import dev.herald.common.config.HttpSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import jdk.jfr.FlightRecorder;
import jdk.jfr.RecordingState;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin listener's /debug guard and flight-recording bounds, over real HTTP. */
class AdminListenerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private AdminListener admin;

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    private void start(String host, String token) {
        admin = AdminListener.start(new HttpSettings("127.0.0.1", 0, 1, host, 0, token,
                        new ClientTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(75), Duration.ofSeconds(10), 64L << 20)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, () -> true, AdminListener.noExtraRoutes());
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void onLoopbackWithoutATokenDebugIsOpen() throws Exception {
        start("127.0.0.1", "");
        assertThat(get("/debug/threads", null).statusCode()).isEqualTo(200);
    }

    @Test
    void reachableFromOtherHostsWithoutATokenDebugIsDisabledButHealthAndMetricsAreNot() throws Exception {
        start("0.0.0.0", "");
        HttpResponse<String> r = get("/debug/threads", null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.body()).contains("\"debug_disabled\"");
        assertThat(get("/debug/jfr?seconds=1", null).statusCode()).isEqualTo(403);
        assertThat(get("/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
    }

    @Test
    void withATokenDebugNeedsItAsABearerToken() throws Exception {
        start("0.0.0.0", "s3cret-admin-token");
        for (String wrong : new String[] {null, "Bearer nope", "Basic czNjcmV0LWFkbWluLXRva2Vu", "Bearer s3cret-admin-toke"}) {
            HttpResponse<String> r = get("/debug/threads", wrong);
            assertThat(r.statusCode()).as("Authorization: %s", wrong).isEqualTo(401);
            assertThat(r.body()).contains("\"unauthorized\"");
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
        assertThat(get("/debug/threads", "Bearer s3cret-admin-token").statusCode()).isEqualTo(200);
        assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
    }

    @Test
    void oneBoundedFlightRecordingAtATime() throws Exception {
        start("127.0.0.1", "");
        assertThat(get("/debug/jfr?seconds=" + (JfrHandler.MAX_SECONDS + 1), null).statusCode()).isEqualTo(400);
        assertThat(get("/debug/jfr?seconds=x", null).body()).contains("\"invalid_seconds\"");
        CompletableFuture<HttpResponse<byte[]>> first = HTTP.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + admin.port() + "/debug/jfr?seconds=2")).build(), HttpResponse.BodyHandlers.ofByteArray());
        Awaitility.await("the first recording running").atMost(Duration.ofSeconds(10)).until(() -> FlightRecorder.getFlightRecorder()
                .getRecordings().stream().anyMatch(r -> r.getName().equals("herald-on-demand") && r.getState() == RecordingState.RUNNING));
        HttpResponse<String> second = get("/debug/jfr?seconds=1", null);
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(second.body()).contains("\"recording_in_progress\"");
        HttpResponse<byte[]> done = first.get();
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body().length).isPositive().isLessThanOrEqualTo((int) JfrHandler.MAX_BYTES);
        assertThat(FlightRecorder.getFlightRecorder().getRecordings()).noneMatch(r -> r.getName().equals("herald-on-demand"));
        assertThat(get("/debug/jfr?seconds=1", null).statusCode()).as("free again after the first ended").isEqualTo(200);
    }
}
