package dev.herald.publisher.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.common.config.ConfigLoader;
import dev.herald.common.config.RedisSettings;
import dev.herald.common.topic.Topic;
import dev.herald.publisher.Publisher;
import dev.herald.publisher.PublisherSettings;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A publisher started in this JVM the way production starts it ({@code Publisher.start}) on free loopback
 * ports against a test's Redis, with an HTTP client for its API and a Redis client to check what it stored.
 */
public final class TestPublisher implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Publisher publisher;
    private final RedisSettings settings;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redisConnection;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestPublisher(Config config) {
        PublisherSettings publisherSettings = PublisherSettings.from(config);
        this.settings = publisherSettings.redis();
        this.publisher = Publisher.start(publisherSettings);
        this.redisClient = RedisClient.create(config.getString("herald.redis.uri"));
        this.redisConnection = redisClient.connect();
    }

    /** Starts a publisher on {@code redisUri}; {@code overrides} replace configuration defaults. */
    public static TestPublisher start(String redisUri, Map<String, ?> overrides) {
        return new TestPublisher(config(redisUri, overrides));
    }

    /** The configuration a test publisher runs with: free loopback ports, then {@code overrides}, then the defaults. */
    public static Config config(String redisUri, Map<String, ?> overrides) {
        Map<String, Object> all = new HashMap<>(Map.of(
                "herald.redis.uri", redisUri, "herald.http.host", "127.0.0.1", "herald.http.port", 0, "herald.admin.port", 0));
        all.putAll(overrides);
        return ConfigFactory.parseMap(all).withFallback(ConfigLoader.load()).resolve();
    }

    public Publisher publisher() {
        return publisher;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + publisher.port() + path);
    }

    public HttpResponse<String> post(String path, String json) {
        return post(path, BodyPublishers.ofString(json));
    }

    public HttpResponse<String> post(String path, BodyPublisher body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").POST(body).build());
    }

    /** Posts {@code json} with extra {@code headers}, given as name, value, name, value... */
    public HttpResponse<String> post(String path, String json, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").headers(headers)
                .POST(BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    /** Gets {@code path} with {@code headers}, given as name, value, name, value... */
    public HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).headers(headers).GET().build());
    }

    public HttpResponse<String> getAdmin(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publisher.adminPort() + path)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Publishes {@code {"data": data}} to {@code topic}, expects 201 and returns the event ID. */
    public String publish(String topic, String data) {
        HttpResponse<String> response = post("/v1/topics/" + topic + "/events", JSON.createObjectNode().put("data", data).toString());
        if (response.statusCode() != 201) {
            throw new AssertionError("publish to " + topic + " answered " + response.statusCode() + " " + response.body());
        }
        return json(response).get("id").asText();
    }

    /** {@code text} as a JSON string literal, quotes and escapes included. */
    public static String jsonString(String text) {
        return JSON.getNodeFactory().textNode(text).toString();
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    public RedisCommands<String, String> redis() {
        return redisConnection.sync();
    }

    public int partitionOf(String topic) {
        return settings.partitions().partitionOf(Topic.of(topic));
    }

    public String feedKey(String topic) {
        return settings.keys().feed(partitionOf(topic));
    }

    public String historyKey(String topic) {
        return settings.keys().history(partitionOf(topic), Topic.of(topic));
    }

    /** Every entry of {@code topic}'s history, oldest first. */
    public List<StreamMessage<String, String>> history(String topic) {
        return redis().xrange(historyKey(topic), Range.unbounded());
    }

    /** The feed entry with {@code entryId} in {@code topic}'s partition, or null. */
    public StreamMessage<String, String> feedEntry(String topic, String entryId) {
        List<StreamMessage<String, String>> found = redis().xrange(feedKey(topic), Range.create(entryId, entryId));
        return found.isEmpty() ? null : found.get(0);
    }

    /** Entries in all partition feeds together: grows with every appended event, whatever its topic. */
    public long feedEntries() {
        return IntStream.range(0, settings.partitions().count()).mapToLong(p -> redis().xlen(settings.keys().feed(p))).sum();
    }

    @Override
    public void close() {
        publisher.close();
        redisConnection.close();
        redisClient.shutdown();
    }
}
