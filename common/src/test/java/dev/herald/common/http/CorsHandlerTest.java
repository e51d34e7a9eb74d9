package dev.herald.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CORS over real HTTP: preflights, actual requests, listed and wildcard origins, and CORS turned off. */
class CorsHandlerTest {
    private static final List<String> METHODS = List.of("POST", "GET", "OPTIONS");
    private static final List<String> HEADERS = List.of("Authorization", "Content-Type");
    private static final String APP = "https://app.example.com";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Undertow server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aPreflightFromAListedOriginIsAnsweredWithTheAllowedMethodsHeadersAndCredentials() throws Exception {
        start(List.of(APP));

        HttpResponse<String> response = send(preflight(APP));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST, GET, OPTIONS");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).hasValue("Authorization, Content-Type");
        assertThat(response.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
        assertThat(response.headers().allValues("Vary")).contains("Origin");
        assertThat(response.body()).as("the routes were not reached").isEmpty();
    }

    @Test
    void aPreflightFromAnotherOriginGetsNoCorsHeaders() throws Exception {
        start(List.of(APP));

        HttpResponse<String> response = send(preflight("https://evil.example.com"));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().map()).doesNotContainKeys("access-control-allow-origin", "access-control-allow-methods",
                "access-control-allow-credentials");
        assertThat(response.headers().allValues("Vary")).contains("Origin");
    }

    @Test
    void anActualRequestFromAListedOriginReachesTheRoutesWithTheOriginAllowed() throws Exception {
        start(List.of(APP));

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri()).header("Origin", "HTTPS://APP.example.com").GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("routed");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("HTTPS://APP.example.com");
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(response.headers().firstValue("Access-Control-Expose-Headers")).hasValue("Retry-After");
    }

    @Test
    void anActualRequestFromAnotherOriginIsServedWithoutCorsHeaders() throws Exception {
        start(List.of(APP));

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri()).header("Origin", "https://evil.example.com").GET().build());

        assertThat(response.body()).isEqualTo("routed");
        assertThat(response.headers().map()).doesNotContainKeys("access-control-allow-origin", "access-control-allow-credentials");
        assertThat(response.headers().allValues("Vary")).contains("Origin");
    }

    @Test
    void aWildcardAllowsAnyOriginButNeverWithCredentials() throws Exception {
        start(List.of("*", APP));

        HttpResponse<String> other = send(preflight("https://other.example.com"));
        HttpResponse<String> listed = send(preflight(APP));

        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(other.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(listed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(listed.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    }

    @Test
    void anOptionsRequestThatIsNotAPreflightGoesToTheRoutes() throws Exception {
        start(List.of(APP));

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri()).header("Origin", APP)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(response.body()).isEqualTo("routed");
    }

    @Test
    void withoutAllowedOriginsNoCorsHeaderIsEverSent() throws Exception {
        start(List.of());

        HttpResponse<String> preflight = send(preflight(APP));

        assertThat(preflight.body()).as("a preflight is just another request then").isEqualTo("routed");
        assertThat(preflight.headers().map()).doesNotContainKeys("access-control-allow-origin", "vary");
    }

    @Test
    void aValueThatIsNotAnOriginIsRefusedNamingTheKey() {
        for (String bad : List.of("https://app.example.com/", "app.example.com", "https://app.example.com/path", "null", "ftp://x")) {
            assertThatThrownBy(() -> CorsPolicy.from(ConfigFactory.parseMap(Map.of("herald.cors.allowed-origins", List.of(bad))),
                    METHODS, HEADERS, List.of()))
                    .as(bad).isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("herald.cors.allowed-origins");
        }
    }

    @Test
    void theMaxAgeIsConfigurable() {
        CorsPolicy policy = CorsPolicy.from(ConfigFactory.parseMap(Map.of("herald.cors.allowed-origins", List.of(APP), "herald.cors.max-age", "1h")),
                METHODS, HEADERS, List.of());

        assertThat(policy.maxAge()).isEqualTo(Duration.ofHours(1));
    }

    private void start(List<String> origins) {
        CorsPolicy policy = CorsPolicy.from(ConfigFactory.parseMap(Map.of("herald.cors.allowed-origins", origins)),
                METHODS, HEADERS, List.of("Retry-After"));
        HttpHandler routes = exchange -> exchange.getResponseSender().send("routed");
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(CorsHandler.wrap(policy, routes)).build();
        server.start();
    }

    private URI uri() {
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        return URI.create("http://127.0.0.1:" + port + "/v1/x");
    }

    private HttpRequest preflight(String origin) {
        return HttpRequest.newBuilder(uri()).header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
