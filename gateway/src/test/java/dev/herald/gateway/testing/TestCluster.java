package dev.herald.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.common.config.ConfigLoader;
import dev.herald.gateway.Gateway;
import dev.herald.gateway.GatewaySettings;
import dev.herald.publisher.Publisher;
import dev.herald.publisher.PublisherSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/** A publisher and gateways running in this JVM against one real Redis, with config overrides. */
public final class TestCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Publisher publisher;
    private final List<Gateway> gateways = new ArrayList<>();
    private final Map<String, Object> overrides;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestCluster(Map<String, Object> overrides, int gatewayCount) {
        this.overrides = overrides;
        this.publisher = Publisher.start(PublisherSettings.from(config(Map.of())));
        for (int i = 0; i < gatewayCount; i++) {
            startGateway(Map.of());
        }
    }

    /** Starts a publisher and {@code gateways} gateways on free ports; {@code overrides} apply to all. */
    public static TestCluster start(String redisUri, int gateways, Map<String, Object> overrides) {
        Map<String, Object> all = new HashMap<>(overrides);
        all.put("herald.redis.uri", redisUri);
        all.putIfAbsent("herald.http.host", "127.0.0.1");
        all.putIfAbsent("herald.http.port", 0);
        all.putIfAbsent("herald.http.io-threads", 2);
        all.putIfAbsent("herald.admin.port", 0);
        return new TestCluster(all, gateways);
    }

    public Config config(Map<String, Object> extra) {
        Map<String, Object> all = new HashMap<>(overrides);
        all.putAll(extra);
        return ConfigFactory.parseMap(all).withFallback(ConfigLoader.load()).resolve();
    }

    /** Starts one more gateway (waits until it is ready) and returns it. */
    public Gateway startGateway(Map<String, Object> extra) {
        Gateway g = Gateway.start(GatewaySettings.from(config(extra)));
        Awaitility.await().until(g::isReady);
        gateways.add(g);
        return g;
    }

    public Gateway gateway(int i) {
        return gateways.get(i);
    }

    public Publisher publisher() {
        return publisher;
    }

    /** Publishes one event; returns its event id. */
    public String publish(String topic, String data) {
        try {
            return publishJson(topic, JSON.createObjectNode().put("data", data).toString()).get("id").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonNode publishJson(String topic, String body) throws IOException {
        HttpResponse<String> r = post("/v1/topics/" + topic + "/events", body);
        if (r.statusCode() != 201) {
            throw new IllegalStateException("publish failed: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    public HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publisher.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> get(int port, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        gateways.forEach(Gateway::close);
        publisher.close();
    }
}
