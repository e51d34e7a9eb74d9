package dev.herald.gateway.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.gateway.testing.Haproxy;
import dev.herald.gateway.testing.NodeEventSource;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.testing.RedisServer;
import dev.herald.testing.SseParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients nobody here wrote: {@code curl -N} and the npm {@code eventsource} package (WHATWG EventSource). */
class ThirdPartyClientsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static ProcessCluster cluster;
    static Path dir;
    static ServiceProcess publisher;
    static List<ServiceProcess> gateways;
    static Haproxy haproxy;

    @BeforeAll
    static void start() throws Exception {
        cluster = ProcessCluster.start("clients", RedisServer.Options.defaults(), 2, Map.of("herald.gateway.retry", "300ms"));
        dir = cluster.dir();
        publisher = cluster.publisher();
        gateways = cluster.gateways();
        haproxy = cluster.balance();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void curlShowsEventsPublishedWithCurl() throws Exception {
        Process curl = new ProcessBuilder("curl", "-sN", "--max-time", "4",
                "http://127.0.0.1:" + gateways.get(1).port() + "/v1/stream?topic=curl-t").redirectErrorStream(true).start();
        Thread.sleep(700);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Process post = new ProcessBuilder("curl", "-s", "-X", "POST", "-H", "Content-Type: application/json",
                    "-d", "{\"event\":\"note\",\"data\":\"hello " + i + "\"}",
                    "http://127.0.0.1:" + publisher.port() + "/v1/topics/curl-t/events").start();
            ids.add(JSON.readTree(post.getInputStream().readAllBytes()).get("id").asText());
            assertThat(post.waitFor(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(curl.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<SseParser.Event> events = SseParser.parseAll(out);
        assertThat(events).extracting(SseParser.Event::type).containsOnly("note");
        assertThat(events).extracting(SseParser.Event::data).containsExactly("hello 0", "hello 1", "hello 2", "hello 3", "hello 4");
        assertThat(events).extracting(SseParser.Event::lastEventId).containsExactlyElementsOf(ids);
    }

    @Test
    void npmEventSourceResumesOnTheOtherGatewayAfterItsGatewayIsKilled() throws Exception {
        NodeEventSource es = new NodeEventSource("http://127.0.0.1:" + haproxy.port() + "/v1/stream?topic=es-t", 12, dir.resolve("node.err"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> es.count("open") == 1);
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            published.add(publish("es-t", "before " + i));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> es.count("event") == 5);
        ServiceProcess serving = gateways.stream().filter(g -> g.openStreams() == 1).findFirst().orElseThrow();
        serving.kill();
        for (int i = 0; i < 5; i++) {
            published.add(publish("es-t", "after " + i));
        }
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> es.count("event") >= 10);
        Thread.sleep(300);
        es.close();
        List<String> received = es.data("message");
        assertThat(received).isEqualTo(published);
        assertThat(es.count("open")).as("EventSource reopened after the kill").isEqualTo(2);
    }

    private static String publish(String topic, String data) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publisher.port() + "/v1/topics/" + topic + "/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + data + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        return data;
    }
}
