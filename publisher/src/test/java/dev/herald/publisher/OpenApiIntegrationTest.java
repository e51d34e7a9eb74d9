package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.common.auth.AuthFailure;
import dev.herald.publisher.api.ErrorCode;
import dev.herald.publisher.metrics.Route;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code docs/openapi.yaml} against the running publisher: it is what the publisher serves, every operation
 * it describes (but the gateways') answers, every route the publisher has is described, its example bodies are accepted, and
 * its error codes are exactly the ones the publisher answers.
 */
class OpenApiIntegrationTest {
    private static final Path SOURCE = Path.of("..", "docs", "openapi.yaml");
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head", "options");

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;
    static JsonNode spec;

    @BeforeAll
    static void start() throws IOException {
        publisher = TestPublisher.start(redis.uri(), Map.of());
        spec = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(SOURCE, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    @Test
    void thePublisherServesDocsOpenapiYamlAsIs() throws IOException {
        HttpResponse<String> response = publisher.get("/v1/openapi.yaml");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/yaml");
        assertThat(response.body()).isEqualTo(Files.readString(SOURCE, StandardCharsets.UTF_8));
        assertThat(spec.get("openapi").asText()).startsWith("3.");
    }

    @Test
    void theSpecDescribesExactlyTheRoutesThePublisherHas() {
        Set<String> routes = Arrays.stream(Route.values()).filter(r -> r != Route.OTHER)
                .map(r -> r.method() + " " + r.template()).collect(Collectors.toCollection(TreeSet::new));

        assertThat(operations()).isEqualTo(routes);
    }

    @Test
    void everyOperationInTheSpecAnswersOnTheRunningPublisher() {
        for (String operation : operations()) {
            String[] parts = operation.split(" ");
            String path = parts[1].replace("{topic}", "openapi-probe");
            HttpRequest request = HttpRequest.newBuilder(publisher.uri(path)).header("Content-Type", "application/json")
                    .method(parts[0], parts[0].equals("POST") ? BodyPublishers.ofString("{}") : BodyPublishers.noBody()).build();

            HttpResponse<String> response = publisher.send(request);

            // A route's own 404 (topic_not_found) is an answer; the router's (not_found) is not.
            assertThat(response.statusCode()).as(operation + " answered " + response.body()).isNotEqualTo(405);
            assertThat(response.body()).as(operation).doesNotContain("\"not_found\"");
        }
    }

    @Test
    void everyExampleRequestBodyIsAccepted() {
        List<String> tried = new ArrayList<>();
        forEachOperation((method, path, operation) -> {
            JsonNode examples = operation.path("requestBody").path("content").path("application/json").path("examples");
            String topic = spec.at("/components/parameters/Topic/example").asText();
            for (Map.Entry<String, JsonNode> example : examples.properties()) {
                HttpResponse<String> response = publisher.post(path.replace("{topic}", topic), example.getValue().get("value").toString());
                assertThat(response.statusCode()).as(method + " " + path + " example " + example.getKey() + ": " + response.body())
                        .isEqualTo(success(operation));
                tried.add(example.getKey());
            }
        });

        assertThat(tried).as("examples found").hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void theDocumentedErrorCodesAreExactlyTheOnesThePublisherAnswers() {
        Set<String> documented = new TreeSet<>();
        spec.at("/components/schemas/Error/properties/error/enum").forEach(code -> documented.add(code.asText()));

        assertThat(documented).isEqualTo(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void theDocumentedUnauthorizedReasonsAreExactlyTheAuthFailureCodes() {
        Set<String> documented = new TreeSet<>();
        spec.at("/components/schemas/Error/properties/reason/enum").forEach(code -> documented.add(code.asText()));

        assertThat(documented).isEqualTo(Arrays.stream(AuthFailure.values()).map(AuthFailure::code).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void everyStatusAnOperationDocumentsIsTheStatusOfACodeOrASuccess() {
        Set<String> statuses = Arrays.stream(ErrorCode.values()).map(c -> Integer.toString(c.status())).collect(Collectors.toSet());
        forEachOperation((method, path, operation) -> operation.path("responses").fieldNames().forEachRemaining(status ->
                assertThat(status.startsWith("2") || statuses.contains(status)).as(method + " " + path + " documents " + status).isTrue()));
    }

    /** The operation's first documented 2xx status: what its examples must get. */
    private static int success(JsonNode operation) {
        for (Iterator<String> statuses = operation.path("responses").fieldNames(); statuses.hasNext(); ) {
            String status = statuses.next();
            if (status.startsWith("2")) {
                return Integer.parseInt(status);
            }
        }
        throw new AssertionError("no 2xx response documented");
    }

    private interface OperationVisitor {
        void visit(String method, String path, JsonNode operation);
    }

    /**
     * The publisher's operations: the paths marked {@code x-herald-service: gateway} are the gateways' (ApiDescriptionsTest),
     * and so are operations marked so on a path both serve ({@code GET /.well-known/mercure}).
     */
    private static void forEachOperation(OperationVisitor visitor) {
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            if (path.getValue().path("x-herald-service").asText().equals("gateway")) {
                continue;
            }
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (METHODS.contains(op.getKey()) && !op.getValue().path("x-herald-service").asText().equals("gateway")) {
                    visitor.visit(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), op.getValue());
                }
            }
        }
    }

    private static Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        forEachOperation((method, path, operation) -> operations.add(method + " " + path));
        return operations;
    }
}
