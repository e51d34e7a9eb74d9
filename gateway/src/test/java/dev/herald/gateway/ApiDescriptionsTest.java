package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.gateway.connection.StreamEvents;
import dev.herald.gateway.http.GatewayRoute;
import dev.herald.gateway.http.Refusals;
import dev.herald.publisher.metrics.Route;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml and docs/asyncapi.yaml against the code, so neither can rot: the OpenAPI file describes
 * exactly the routes the gateway ({@link GatewayRoute}) and the publisher ({@link Route}) register, marks
 * the gateway's own, and lists the gateway's refusal codes; the AsyncAPI file describes every event Herald
 * itself sends ({@link StreamEvents}), besides published events, heartbeats and retry hints. Both must be
 * well formed: every {@code $ref} resolves. (The publisher's own test holds the publisher's routes, examples
 * and error codes against a running publisher.)
 */
class ApiDescriptionsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head", "options");

    static JsonNode openapi;
    static JsonNode asyncapi;

    @BeforeAll
    static void read() throws IOException {
        openapi = YAML.readTree(Path.of("..", "docs", "openapi.yaml").toFile());
        asyncapi = YAML.readTree(Path.of("..", "docs", "asyncapi.yaml").toFile());
    }

    @Test
    void theOpenApiFileDescribesExactlyTheRoutesOfTheGatewayAndThePublisher() {
        Set<String> registered = new TreeSet<>();
        Arrays.stream(GatewayRoute.values()).forEach(r -> registered.add(r.method() + " " + r.template()));
        Arrays.stream(Route.values()).filter(r -> r != Route.OTHER).forEach(r -> registered.add(r.method() + " " + r.template()));

        assertThat(openapi.get("openapi").asText()).startsWith("3.");
        assertThat(operations(openapi)).isEqualTo(registered);
    }

    @Test
    void theGatewaysOwnPathsAreMarkedAsTheGatewaysAndTheOthersAreThePublishers() {
        Set<String> publisherPaths = Arrays.stream(Route.values()).filter(r -> r != Route.OTHER).map(Route::template).collect(Collectors.toSet());
        for (GatewayRoute route : GatewayRoute.values()) {
            JsonNode path = openapi.path("paths").path(route.template());
            boolean shared = publisherPaths.contains(route.template());
            assertThat(path.path("x-herald-service").asText()).as(route.template()).isEqualTo(shared ? "" : "gateway");
            assertThat(path.has("servers")).as(route.template() + " names a gateway server").isEqualTo(!shared);
        }
    }

    @Test
    void theStreamErrorsListEveryRefusalTheGatewayAnswersInJson() {
        Set<String> documented = new TreeSet<>();
        openapi.at("/components/schemas/StreamError/properties/error/enum").forEach(code -> documented.add(code.asText()));

        assertThat(documented).containsAll(Arrays.stream(Refusals.Reason.values()).map(Refusals.Reason::code).toList())
                .contains("missing_topic", "invalid_topic", "too_many_topics", "invalid_last_event_id", "unauthorized", "forbidden");
    }

    @Test
    void theAsyncApiFileDescribesEveryEventOfTheStream() {
        Set<String> names = new TreeSet<>();
        asyncapi.at("/components/messages").forEach(message -> names.add(message.get("name").asText()));
        Set<String> offered = new TreeSet<>();
        asyncapi.at("/channels/~1v1~1stream/subscribe/message/oneOf").forEach(ref -> offered.add(resolve(asyncapi, ref.get("$ref").asText()).get("name").asText()));

        assertThat(asyncapi.get("asyncapi").asText()).startsWith("2.");
        assertThat(names).contains(StreamEvents.RESET, StreamEvents.TOKEN_EXPIRED, StreamEvents.REVOKED, "message", "heartbeat", "retry");
        assertThat(offered).as("the stream's messages").isEqualTo(names);
        assertThat(asyncapi.at("/channels").has(GatewayRoute.STREAM.template())).isTrue();
    }

    @Test
    void everyReferenceInBothFilesResolves() {
        for (JsonNode document : List.of(openapi, asyncapi)) {
            List<String> refs = new ArrayList<>();
            collectRefs(document, refs);
            assertThat(refs).isNotEmpty();
            for (String ref : refs) {
                assertThat(resolve(document, ref).isMissingNode()).as(ref).isFalse();
            }
        }
    }

    private static Set<String> operations(JsonNode spec) {
        Set<String> operations = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (METHODS.contains(method)) {
                    operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        return operations;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject() && node.has("$ref")) {
            refs.add(node.get("$ref").asText());
        }
        Stream.concat(node.isObject() ? node.properties().stream().map(Map.Entry::getValue) : Stream.empty(),
                node.isArray() ? StreamSupport.stream(node.spliterator(), false) : Stream.empty())
                .forEach(child -> collectRefs(child, refs));
    }

    /** A local reference ({@code #/a/b}) in {@code document}; a missing node if it names nothing. */
    private static JsonNode resolve(JsonNode document, String ref) {
        assertThat(ref).as("only local references").startsWith("#/");
        return document.at(ref.substring(1));
    }
}
