package dev.herald.gateway.mercure;

import static dev.herald.gateway.mercure.MercureHubClient.publish;
import static dev.herald.gateway.mercure.MercureHubClient.subscribePath;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.common.auth.Tokens;
import dev.herald.gateway.Gateway;
import dev.herald.gateway.testing.SseClient;
import dev.herald.gateway.testing.TestCluster;
import dev.herald.testing.RedisExtension;
import dev.herald.testing.SseParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mercure subscriptions on two in-process gateways with a real publisher and Redis: selectors, private updates,
 * and Last-Event-ID resume on the other gateway from publisher-supplied, generated and {@code earliest} IDs.
 * Each test uses topics of its own, so what another test publishes is filtered out like any other topic.
 */
class MercureSubscribeIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestCluster cluster;
    static URI hub;

    @BeforeAll
    static void start() {
        // Heartbeats every 300 ms find closed clients quickly, so the subscriptions API drops them quickly.
        cluster = TestCluster.start(redis.uri(), 2, Map.of("herald.auth.jwt.hs256-secret", Tokens.SECRET,
                "herald.mercure.subscriptions", true, "herald.gateway.heartbeat-interval", "300ms"));
        hub = URI.create("http://127.0.0.1:" + cluster.publisher().port() + "/.well-known/mercure");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static int gatewayA() {
        return cluster.gateway(0).port();
    }

    private static int gatewayB() {
        return cluster.gateway(1).port();
    }

    private static SseClient subscribe(int port, List<String> selectors, String extraQuery, Map<String, String> headers) throws Exception {
        SseClient c = SseClient.open(port, subscribePath(selectors, extraQuery), headers);
        assertThat(c.status()).as(c.errorBody()).isEqualTo(200);
        Awaitility.await().atMost(WAIT).until(() -> !c.comments().isEmpty());
        return c;
    }

    @Test
    void selectorsDeliverExactlyTheMatchingUpdatesWithTheirIdsTypesAndData() throws Exception {
        try (SseClient exact = subscribe(gatewayA(), List.of("https://ex.com/sel/1"), "", Map.of());
             SseClient template = subscribe(gatewayA(), List.of("https://ex.com/sel/{id}"), "", Map.of());
             SseClient alternate = subscribe(gatewayB(), List.of("urn:sel:alt"), "", Map.of());
             SseClient star = subscribe(gatewayB(), List.of("*"), "", Map.of())) {
            publish(hub, "topic", "https://ex.com/sel/1", "data", "one\ntwo", "id", "sel-1", "type", "book");
            publish(hub, "topic", "https://ex.com/sel/2", "topic", "urn:sel:alt", "data", "second", "id", "sel-2");
            publish(hub, "topic", "https://ex.com/other/3", "data", "third", "id", "sel-3");
            String generated = publish(hub, "topic", "https://ex.com/sel/4", "data", "fourth");

            Awaitility.await().atMost(WAIT).until(() -> template.events().size() >= 3); // one is a "book", not a "message"
            alternate.awaitData(1, WAIT);
            Awaitility.await().atMost(WAIT).until(() -> star.events().stream().anyMatch(e -> e.lastEventId().equals(generated)));
            Awaitility.await().atMost(WAIT).until(() -> exact.events().size() == 1);
            Thread.sleep(200); // anything not matching would have arrived by now

            SseParser.Event book = exact.events().get(0);
            assertThat(book.type()).isEqualTo("book");
            assertThat(book.data()).isEqualTo("one\ntwo");
            assertThat(book.lastEventId()).isEqualTo("sel-1");
            assertThat(template.events()).extracting(SseParser.Event::lastEventId).containsExactly("sel-1", "sel-2", generated);
            assertThat(generated).startsWith("urn:herald:");
            assertThat(alternate.events()).extracting(SseParser.Event::lastEventId).containsExactly("sel-2");
            assertThat(star.events()).extracting(SseParser.Event::lastEventId).containsSubsequence("sel-1", "sel-2", "sel-3", generated);
            assertThat(exact.header("Link")).isEqualTo("</.well-known/mercure>; rel=\"mercure\"");
        }
    }

    @Test
    void privateUpdatesReachOnlySubscribersWhoseTokenMatchesOneOfTheirTopics() throws Exception {
        String books = MercureHubClient.token(List.of(), List.of("https://ex.com/priv/{id}"), null);
        String films = MercureHubClient.token(List.of(), List.of("https://ex.com/films/{id}"), null);
        List<String> selector = List.of("https://ex.com/priv/{id}");
        try (SseClient anonymous = subscribe(gatewayA(), selector, "", Map.of());
             SseClient bearer = subscribe(gatewayA(), selector, "", Map.of("Authorization", "Bearer " + books));
             SseClient cookie = subscribe(gatewayB(), selector, "", Map.of("Cookie", "mercureAuthorization=" + books));
             SseClient query = subscribe(gatewayB(), selector, "authorization=" + books, Map.of());
             SseClient other = subscribe(gatewayB(), selector, "", Map.of("Authorization", "Bearer " + films))) {
            publish(hub, "topic", "https://ex.com/priv/1", "data", "secret", "private", "on", "id", "priv-1");
            publish(hub, "topic", "https://ex.com/priv/2", "data", "public", "id", "priv-2");

            for (SseClient c : List.of(bearer, cookie, query)) {
                c.awaitData(2, WAIT);
                assertThat(c.data()).containsExactly("secret", "public");
            }
            for (SseClient c : List.of(anonymous, other)) {
                c.awaitData(1, WAIT);
            }
            Thread.sleep(200);
            assertThat(anonymous.data()).containsExactly("public");
            assertThat(other.data()).containsExactly("public");
        }
    }

    @Test
    void lastEventIdResumesExactlyOnTheOtherGatewayFromAnyKindOfId() throws Exception {
        List<String> selector = List.of("https://ex.com/resume/{n}");
        List<String> ids = new ArrayList<>();
        try (SseClient first = subscribe(gatewayA(), selector, "", Map.of())) {
            for (int i = 0; i < 10; i++) {
                ids.add(publish(hub, "topic", "https://ex.com/resume/" + i, "data", "r" + i, "id", "resume-" + i));
            }
            first.awaitData(10, WAIT);
            assertThat(first.events()).extracting(SseParser.Event::lastEventId).containsExactlyElementsOf(ids);
        }
        String generated = publish(hub, "topic", "https://ex.com/resume/10", "data", "r10");
        publish(hub, "topic", "https://ex.com/resume/11", "data", "r11", "id", "resume-11");

        try (SseClient header = subscribe(gatewayB(), selector, "lastEventID=resume-0", Map.of("Last-Event-ID", "resume-6"))) {
            header.awaitData(5, WAIT);
            Thread.sleep(200);
            assertThat(header.data()).as("the header wins over the query parameter").containsExactly("r7", "r8", "r9", "r10", "r11");
            assertThat(header.header("Last-Event-ID")).isEqualTo("resume-6");
        }
        try (SseClient query = subscribe(gatewayA(), selector, "lastEventID=" + URLEncoder.encode(generated, StandardCharsets.UTF_8), Map.of())) {
            query.awaitData(1, WAIT);
            Thread.sleep(200);
            assertThat(query.data()).containsExactly("r11");
        }
        try (SseClient earliest = subscribe(gatewayB(), selector, "lastEventID=earliest", Map.of())) {
            earliest.awaitData(12, WAIT);
            assertThat(earliest.data()).startsWith("r0", "r1").endsWith("r10", "r11").hasSize(12);
            assertThat(earliest.header("Last-Event-ID")).isEqualTo("earliest");
        }
    }

    @Test
    void aRepeatedIdResumesFromItsLatestUpdateAndANewStreamNamesItsLivePosition() throws Exception {
        List<String> selector = List.of("urn:repeat");
        publish(hub, "topic", "urn:repeat", "data", "a", "id", "same");
        publish(hub, "topic", "urn:repeat", "data", "b");
        publish(hub, "topic", "urn:repeat", "data", "c", "id", "same");
        publish(hub, "topic", "urn:repeat", "data", "d");
        try (SseClient resumed = subscribe(gatewayA(), selector, "", Map.of("Last-Event-ID", "same"))) {
            resumed.awaitData(1, WAIT);
            Thread.sleep(200);
            assertThat(resumed.data()).containsExactly("d");
        }
        String position;
        try (SseClient fresh = subscribe(gatewayB(), selector, "", Map.of())) {
            position = fresh.header("Last-Event-ID");
            assertThat(position).startsWith("urn:herald:");
            publish(hub, "topic", "urn:repeat", "data", "e");
            fresh.awaitData(1, WAIT);
        }
        try (SseClient later = subscribe(gatewayA(), selector, "", Map.of("Last-Event-ID", position))) {
            later.awaitData(1, WAIT);
            Thread.sleep(200);
            assertThat(later.data()).as("resuming from the position a new stream was given").containsExactly("e");
        }
        double unknownBefore = opened(0, "unknown");
        try (SseClient unknown = subscribe(gatewayA(), selector, "", Map.of("Last-Event-ID", "never-published"))) {
            publish(hub, "topic", "urn:repeat", "data", "f");
            unknown.awaitData(1, WAIT);
            assertThat(unknown.data()).as("an unknown ID starts live").containsExactly("f");
        }
        assertThat(opened(0, "unknown")).isEqualTo(unknownBefore + 1);
        assertThat(opened(0, "indexed")).isPositive();
    }

    /** {@code herald_gateway_mercure_subscriptions_total{resume}} on gateway {@code i}. */
    private static double opened(int i, String resume) {
        return cluster.gateway(i).registry().get("herald.gateway.mercure.subscriptions").tag("resume", resume).counter().count();
    }

    @Test
    void theSubscriptionsApiListsEveryGatewaysActiveSubscriptionsAsJsonLd() throws Exception {
        String api = MercureHubClient.token(List.of(), List.of("/.well-known/mercure/subscriptions{/topic}{/subscriber}"), null);
        Map<String, String> auth = Map.of("Authorization", "Bearer " + api);
        try (SseClient a = subscribe(gatewayA(), List.of("https://ex.com/api/{id}", "urn:api"), "", Map.of());
             SseClient b = subscribe(gatewayB(), List.of("urn:api"), "", Map.of())) {
            JsonNode all = Awaitility.await().atMost(WAIT).until(() -> apiGet(gatewayB(), "", auth),
                    body -> apiSubscriptions(body, "urn:api").size() == 2);
            assertThat(all.get("@context").asText()).isEqualTo("https://mercure.rocks/");
            assertThat(all.get("type").asText()).isEqualTo("Subscriptions");
            assertThat(all.get("lastEventID").asText()).startsWith("urn:herald:");
            assertThat(apiSubscriptions(all, "https://ex.com/api/{id}")).hasSize(1);
            JsonNode one = apiSubscriptions(all, "https://ex.com/api/{id}").get(0);
            assertThat(one.get("type").asText()).isEqualTo("Subscription");
            assertThat(one.get("active").asBoolean()).isTrue();
            String subscriber = one.get("subscriber").asText();
            assertThat(subscriber).startsWith("urn:uuid:");
            assertThat(one.get("id").asText()).isEqualTo("/.well-known/mercure/subscriptions/https%3A%2F%2Fex.com%2Fapi%2F%7Bid%7D/"
                    + URLEncoder.encode(subscriber, StandardCharsets.UTF_8));

            JsonNode byTopic = apiGet(gatewayA(), "/" + URLEncoder.encode("urn:api", StandardCharsets.UTF_8), auth);
            assertThat(byTopic.get("subscriptions")).hasSize(2);
            JsonNode single = apiGet(gatewayA(), one.get("id").asText().substring("/.well-known/mercure/subscriptions".length()), auth);
            assertThat(single.get("subscriber").asText()).isEqualTo(subscriber);
            assertThat(single.get("@context").asText()).isEqualTo("https://mercure.rocks/");

            b.close();
            Awaitility.await().atMost(WAIT).until(() -> apiSubscriptions(apiGet(gatewayA(), "", auth), "urn:api").size() == 1);
        }
        assertThat(cluster.get(gatewayA(), "/.well-known/mercure/subscriptions").statusCode()).as("no token").isEqualTo(401);
        HttpResponse<String> forbidden = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayA()
                + "/.well-known/mercure/subscriptions")).header("Authorization", "Bearer " + MercureHubClient.token(List.of(), List.of("urn:x"), null))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forbidden.statusCode()).isEqualTo(403);
    }

    @Test
    void subscriptionEventsAnnounceAComingAndGoingSubscriberWithItsPayloadToMatchingClaimsOnly() throws Exception {
        String ofEvents = SubscriptionRegistry.PATH + "/" + SubscriptionRegistry.encode("urn:events");
        List<String> watch = List.of(ofEvents + "{/subscriber}", "urn:events:marker");
        Map<String, String> watcherAuth = Map.of("Authorization", "Bearer "
                + MercureHubClient.token(List.of(), List.of("/.well-known/mercure/subscriptions{/topic}{/subscriber}"), null));
        Map<String, String> otherClaims = Map.of("Authorization", "Bearer "
                + MercureHubClient.token(List.of(), List.of("/.well-known/mercure/subscriptions/urn%3Aother{/subscriber}"), null));
        Map<String, String> subscriberAuth = Map.of("Authorization", "Bearer "
                + MercureHubClient.token(List.of("urn:events"), Map.of("user", "https://ex.com/users/dune")));
        try (SseClient watcher = subscribe(gatewayA(), watch, "", watcherAuth);
             SseClient anonymous = subscribe(gatewayB(), watch, "", Map.of());
             SseClient unrelated = subscribe(gatewayA(), watch, "", otherClaims)) {
            SseClient subscriber = subscribe(gatewayB(), List.of("urn:events"), "", subscriberAuth);
            JsonNode came = JSON.readTree(watcher.awaitData(1, WAIT).data().get(0));
            assertThat(came.get("@context").asText()).isEqualTo("https://mercure.rocks/");
            assertThat(came.get("type").asText()).isEqualTo("Subscription");
            assertThat(came.get("topic").asText()).isEqualTo("urn:events");
            assertThat(came.get("active").asBoolean()).isTrue();
            assertThat(came.get("payload")).isEqualTo(JSON.readTree("{\"user\":\"https://ex.com/users/dune\"}"));
            String subscriberId = came.get("subscriber").asText();
            assertThat(came.get("id").asText()).isEqualTo(ofEvents + "/" + SubscriptionRegistry.encode(subscriberId));
            assertThat(watcher.events().get(0).lastEventId()).as("an update of the hub's, with a generated ID").startsWith("urn:herald:");

            JsonNode listed = apiGet(gatewayA(), came.get("id").asText().substring(SubscriptionRegistry.PATH.length()), watcherAuth);
            assertThat(listed.get("payload")).as("the API shows the payload too").isEqualTo(came.get("payload"));

            subscriber.close();
            JsonNode went = JSON.readTree(watcher.awaitData(2, WAIT).data().get(1));
            assertThat(went.get("active").asBoolean()).isFalse();
            assertThat(went.get("id").asText()).isEqualTo(came.get("id").asText());
            assertThat(went.get("payload")).isEqualTo(came.get("payload"));

            // One partition, one order: whoever gets the marker has been offered both subscription events before it.
            publish(hub, "topic", "urn:events:marker", "data", "marker");
            assertThat(watcher.awaitData(3, WAIT).data()).hasSize(3).endsWith("marker");
            assertThat(anonymous.awaitData(1, WAIT).data()).as("private: no token").containsExactly("marker");
            assertThat(unrelated.awaitData(1, WAIT).data()).as("private: claims for other topics").containsExactly("marker");
        }
    }

    @Test
    void aGatewayClosedWithStreamsOpenReportsEachOfTheirSubscriptionsGoneOnce() throws Exception {
        Map<String, String> watcherAuth = Map.of("Authorization", "Bearer "
                + MercureHubClient.token(List.of(), List.of("/.well-known/mercure/subscriptions{/topic}{/subscriber}"), null));
        List<String> watch = List.of(SubscriptionRegistry.PATH + "/urn%3Aclosing%3A{name}{/subscriber}", "urn:marker:closing");
        Gateway closing = cluster.startGateway(Map.of());
        try (SseClient watcher = subscribe(gatewayA(), watch, "", watcherAuth);
             SseClient open = subscribe(closing.port(), List.of("urn:closing:a", "urn:closing:b"), "", Map.of())) {
            watcher.awaitData(2, WAIT);

            closing.close();
            watcher.awaitData(4, WAIT);
            publish(hub, "topic", "urn:marker:closing", "data", "marker");
            watcher.awaitData(5, WAIT);

            List<JsonNode> events = new ArrayList<>();
            for (String data : watcher.data().subList(0, 4)) {
                events.add(JSON.readTree(data));
            }
            assertThat(events).extracting(e -> e.get("active").asBoolean()).containsExactly(true, true, false, false);
            assertThat(events.subList(2, 4)).extracting(e -> e.get("id").asText())
                    .containsExactlyInAnyOrderElementsOf(events.subList(0, 2).stream().map(e -> e.get("id").asText()).toList());
            assertThat(watcher.data()).as("nothing twice before the marker").hasSize(5).endsWith("marker");
        }
    }

    @Test
    void aGatewayTakenForDeadAnnouncesItsSubscriptionsActiveAgain() throws Exception {
        Map<String, String> watcherAuth = Map.of("Authorization", "Bearer "
                + MercureHubClient.token(List.of(), List.of("/.well-known/mercure/subscriptions{/topic}{/subscriber}"), null));
        List<String> watch = List.of(SubscriptionRegistry.PATH + "/" + SubscriptionRegistry.encode("urn:revived") + "{/subscriber}");
        try (SseClient watcher = subscribe(gatewayA(), watch, "", watcherAuth);
             SseClient revived = subscribe(gatewayB(), List.of("urn:revived"), "", Map.of())) {
            JsonNode came = JSON.readTree(watcher.awaitData(1, WAIT).data().get(0));

            redis.server().send("DEL", "herald:{mercure}:subscriptions"); // every gateway's entry, as reapers would take them
            JsonNode again = JSON.readTree(watcher.awaitData(2, WAIT).data().get(1));
            assertThat(again.get("id").asText()).isEqualTo(came.get("id").asText());
            assertThat(again.get("active").asBoolean()).isTrue();
            Awaitility.await().atMost(WAIT).until(() -> apiSubscriptions(apiGet(gatewayA(), "", watcherAuth), "urn:revived").size() == 1);
        }
    }

    private static JsonNode apiGet(int port, String rest, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/.well-known/mercure/subscriptions" + rest));
        headers.forEach(request::header);
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/ld+json");
        return JSON.readTree(response.body());
    }

    private static List<JsonNode> apiSubscriptions(JsonNode body, String topic) {
        List<JsonNode> found = new ArrayList<>();
        body.get("subscriptions").forEach(s -> {
            if (s.get("topic").asText().equals(topic)) {
                found.add(s);
            }
        });
        return found;
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsStreamed() throws Exception {
        try (SseClient none = SseClient.open(gatewayA(), "/.well-known/mercure", Map.of())) {
            assertThat(none.status()).isEqualTo(400);
            assertThat(none.errorBody()).contains("missing_topic");
        }
        try (SseClient template = SseClient.open(gatewayA(), subscribePath(List.of("https://ex.com/{"), ""), Map.of())) {
            assertThat(template.status()).isEqualTo(400);
            assertThat(template.errorBody()).contains("invalid_topic_selector");
        }
        try (SseClient herald = SseClient.open(gatewayA(), "/v1/stream?topic=mercure~hub", Map.of())) {
            assertThat(herald.status()).as("private updates are only for Mercure streams").isEqualTo(400);
            assertThat(herald.errorBody()).contains("invalid_topic", "reserved");
        }
        try (SseClient forged = SseClient.open(gatewayA(), subscribePath(List.of("*"), ""), Map.of("Authorization", "Bearer not.a.token"))) {
            assertThat(forged.status()).isEqualTo(401);
            assertThat(forged.header("WWW-Authenticate")).startsWith("Bearer");
        }
    }

    @Test
    void aStreamEndsWhenItsTokensExpPasses() throws Exception {
        String shortLived = MercureHubClient.token(List.of(), List.of("*"), Instant.now().minus(Duration.ofSeconds(28)));
        try (SseClient c = subscribe(gatewayA(), List.of("urn:exp"), "", Map.of("Authorization", "Bearer " + shortLived))) {
            Awaitility.await().atMost(WAIT).until(c::ended);
            assertThat(c.events()).extracting(SseParser.Event::type).containsExactly("herald.token-expired");
        }
    }
}
