package dev.herald.publisher;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One test per class of bad input: each checks the exact status and error code, that the answer explains
 * itself, that nothing at all was appended to Redis, and that the publisher then still serves a good request.
 */
class BadInputIntegrationTest {
    private static final int MAX_BODY = 4096;
    private static final int MAX_EVENT_DATA = 1024;
    private static final int MAX_BATCH = 5;
    private static final int MAX_HEADER_SIZE = 8192;
    private static final String TOPIC = "bad-input";
    private static final String PUBLISH = "/v1/topics/" + TOPIC + "/events";

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    static TestPublisher publisher;

    private long feedBefore;
    private long historyBefore;

    @BeforeAll
    static void start() {
        publisher = TestPublisher.start(redis.uri(), Map.of(
                "herald.publisher.limits.max-body", MAX_BODY,
                "herald.publisher.limits.max-event-data", MAX_EVENT_DATA,
                "herald.publisher.limits.max-batch", MAX_BATCH,
                "herald.publisher.limits.max-header-size", MAX_HEADER_SIZE));
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    @BeforeEach
    void countStoredEntries() {
        feedBefore = publisher.feedEntries();
        historyBefore = publisher.redis().xlen(publisher.historyKey(TOPIC));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"data\":", "{data:\"x\"}", "{\"data\":'x'}", "{\"data\":\"x\",}", "{\"data\":\"x\"} trailing",
            "{\"data\":\"x\"}{\"data\":\"y\"}", "nul", "{\"data\":\"unterminated}"})
    void malformedJsonIsRefusedAsInvalidJson(String body) {
        assertRefused(publisher.post(PUBLISH, body), 400, "invalid_json");
    }

    /** Every route that reads a body, with a body it would accept. */
    static Stream<Arguments> bodyRoutes() {
        return Stream.of(Arguments.of(PUBLISH, "{\"data\":\"x\"}"),
                Arguments.of("/v1/events", "[{\"topic\":\"" + TOPIC + "\",\"data\":\"x\"}]"),
                Arguments.of("/v1/disconnect", "{\"topic\":\"" + TOPIC + "\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodyRoutes")
    void aBodyWithoutContentTypeApplicationJsonIsRefusedAsUnsupportedMediaTypeAsACrossSiteFormPostWouldBe(String path, String body) {
        long controlBefore = publisher.redis().xlen("herald:revocations");
        for (String contentType : new String[]{null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/jsonp", "text/json"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(publisher.uri(path)).POST(BodyPublishers.ofString(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            countStoredEntries(); // each refusal is followed by a good publish
            assertRefused(publisher.send(request.build()), 415, "unsupported_media_type");
        }
        assertThat(publisher.redis().xlen("herald:revocations")).as("disconnect requests written").isEqualTo(controlBefore);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodyRoutes")
    void contentTypeApplicationJsonIsAcceptedInAnyCaseAndWithParameters(String path, String body) {
        for (String contentType : new String[]{"application/json", "Application/JSON", "application/json; charset=utf-8", "APPLICATION/JSON;CHARSET=UTF-8"}) {
            HttpResponse<String> response = publisher.send(HttpRequest.newBuilder(publisher.uri(path)).header("Content-Type", contentType)
                    .POST(BodyPublishers.ofString(body)).build());

            assertThat(response.statusCode()).as(contentType + ": " + response.body()).isBetween(200, 299);
        }
    }

    @Test
    void aRepeatedFieldIsRefusedAsInvalidJsonRatherThanTheLastOneWinning() {
        assertRefused(publisher.post(PUBLISH, "{\"data\":\"a\",\"data\":\"b\"}"), 400, "invalid_json");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", " \r\n\t "})
    void anEmptyBodyIsRefusedAsInvalidJson(String body) {
        assertRefused(publisher.post(PUBLISH, body), 400, "invalid_json");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[{\"data\":\"x\"}]", "\"x\"", "42", "true", "null"})
    void aSingleEventBodyThatIsNotAnObjectIsRefusedAsInvalidBody(String body) {
        assertRefused(publisher.post(PUBLISH, body), 400, "invalid_body");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"topic\":\"bad-input\",\"data\":\"x\"}", "\"x\"", "null"})
    void aBatchBodyThatIsNotAnArrayIsRefusedAsInvalidBody(String body) {
        assertRefused(publisher.post("/v1/events", body), 400, "invalid_body");
    }

    @Test
    void anEmptyBatchIsRefusedAsInvalidBody() {
        assertRefused(publisher.post("/v1/events", "[]"), 400, "invalid_body");
    }

    @Test
    void aBatchItemThatIsNotAnObjectIsRefusedAsInvalidBody() {
        assertRefused(publisher.post("/v1/events", "[{\"topic\":\"bad-input\",\"data\":\"x\"},\"x\"]"), 400, "invalid_body");
    }

    static Stream<Arguments> withoutData() {
        return Stream.of(
                Arguments.of(PUBLISH, "{}"),
                Arguments.of(PUBLISH, "{\"event\":\"e\",\"retry\":1}"),
                Arguments.of("/v1/events", "[{\"topic\":\"bad-input\",\"event\":\"e\"}]"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("withoutData")
    void anEventWithoutDataIsRefusedAsMissingData(String path, String body) {
        assertRefused(publisher.post(path, body), 400, "missing_data");
    }

    static Stream<Arguments> withNullData() {
        return Stream.of(
                Arguments.of(PUBLISH, "{\"data\":null}"),
                Arguments.of("/v1/events", "[{\"topic\":\"bad-input\",\"data\":null}]"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("withNullData")
    void anEventWithNullDataIsRefusedAsMissingData(String path, String body) {
        assertRefused(publisher.post(path, body), 400, "missing_data");
    }

    static Stream<Arguments> withUnknownFields() {
        return Stream.of(
                Arguments.of(PUBLISH, "{\"data\":\"x\",\"topic\":\"bad-input\"}"),
                Arguments.of(PUBLISH, "{\"data\":\"x\",\"Retry\":1}"),
                Arguments.of("/v1/events", "[{\"topic\":\"bad-input\",\"data\":\"x\",\"id\":\"1-1\"}]"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("withUnknownFields")
    void anUnknownFieldIsRefusedAsUnknownField(String path, String body) {
        assertRefused(publisher.post(path, body), 400, "unknown_field");
    }

    static Stream<Arguments> withWrongTypes() {
        return Stream.of(
                Arguments.of(PUBLISH, "{\"data\":\"x\",\"event\":42}", "invalid_event"),
                Arguments.of(PUBLISH, "{\"data\":\"x\",\"event\":[\"a\"]}", "invalid_event"),
                Arguments.of(PUBLISH, "{\"data\":\"x\",\"retry\":\"1000\"}", "invalid_retry"),
                Arguments.of(PUBLISH, "{\"data\":\"x\",\"retry\":-1}", "invalid_retry"),
                Arguments.of(PUBLISH, "{\"data\":\"x\",\"retry\":1.5}", "invalid_retry"),
                Arguments.of(PUBLISH, "{\"data\":\"x\",\"retry\":1000.0}", "invalid_retry"),
                Arguments.of(PUBLISH, "{\"data\":\"x\",\"retry\":86400001}", "invalid_retry"),
                Arguments.of(PUBLISH, "{\"data\":\"x\",\"retry\":99999999999999999999}", "invalid_retry"),
                Arguments.of(PUBLISH, "{\"data\":\"x\",\"retry\":true}", "invalid_retry"),
                Arguments.of("/v1/events", "[{\"topic\":42,\"data\":\"x\"}]", "invalid_topic"),
                Arguments.of("/v1/events", "[{\"topic\":null,\"data\":\"x\"}]", "invalid_topic"),
                Arguments.of("/v1/events", "[{\"data\":\"x\"}]", "invalid_topic"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("withWrongTypes")
    void aFieldOfTheWrongTypeOrRangeIsRefusedWithThatFieldsCode(String path, String body, String code) {
        assertRefused(publisher.post(path, body), 400, code);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a\\rb", "a\\nb", "a\\r\\nb", "a\\u0000b", "trailing\\n"})
    void anEventNameWithCrLfOrNulIsRefusedAsInvalidEvent(String escapedName) {
        assertRefused(publisher.post(PUBLISH, "{\"data\":\"x\",\"event\":\"" + escapedName + "\"}"), 400, "invalid_event");
    }

    @Test
    void anEventNameOver256CharactersIsRefusedAsInvalidEvent() {
        assertRefused(publisher.post(PUBLISH, "{\"data\":\"x\",\"event\":\"" + "n".repeat(257) + "\"}"), 400, "invalid_event");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bad%20topic", ".leading-dot", "-leading-dash", "%C5%82%C3%B3d%C5%BA", "a%2Fb", "a%00b", "a*b"})
    void anInvalidTopicInThePathIsRefusedAsInvalidTopic(String encodedTopic) {
        assertRefused(publisher.post("/v1/topics/" + encodedTopic + "/events", "{\"data\":\"x\"}"), 400, "invalid_topic");
    }

    @Test
    void aTopicOf201CharactersInThePathIsRefusedAsInvalidTopic() {
        assertRefused(publisher.post("/v1/topics/" + "t".repeat(201) + "/events", "{\"data\":\"x\"}"), 400, "invalid_topic");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bad%20topic", ".leading-dot", "%C5%82%C3%B3d%C5%BA"})
    void topicInfoOfAnInvalidTopicIsRefusedAsInvalidTopic(String encodedTopic) {
        assertRefused(publisher.get("/v1/topics/" + encodedTopic), 400, "invalid_topic");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "bad topic", ".leading-dot", "łódź", "a/b", "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"
            + "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"})
    void anInvalidTopicInABatchItemIsRefusedAsInvalidTopic(String topic) {
        String body = "[{\"topic\":\"bad-input\",\"data\":\"good\"},{\"topic\":\"" + topic + "\",\"data\":\"x\"}]";

        assertRefused(publisher.post("/v1/events", body), 400, "invalid_topic");
    }

    @Test
    void aBatchWithOneBadItemAppendsNothingAtAll() {
        String body = "[{\"topic\":\"bad-input\",\"data\":\"1\"},{\"topic\":\"other-a\",\"data\":\"2\"},"
                + "{\"topic\":\"other-b\",\"data\":\"3\"},{\"topic\":\"other-c\",\"data\":\"4\",\"retry\":-5}]";

        assertRefused(publisher.post("/v1/events", body), 400, "invalid_retry");
        assertThat(publisher.history("other-a")).isEmpty();
    }

    @Test
    void aBodyOverMaxBodyIsRefusedAsBodyTooLarge() {
        assertRefused(publisher.post(PUBLISH, paddedBody(MAX_BODY + 1)), 413, "body_too_large");
    }

    @Test
    void aBodyOfExactlyMaxBodyIsAccepted() {
        HttpResponse<String> response = publisher.post(PUBLISH, paddedBody(MAX_BODY));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    @Test
    void aChunkedBodyOverMaxBodyWithoutContentLengthIsRefusedAsBodyTooLarge() {
        byte[] body = paddedBody(4 * MAX_BODY).getBytes(UTF_8);
        HttpRequest request = HttpRequest.newBuilder(publisher.uri(PUBLISH)).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();

        assertRefused(publisher.send(request), 413, "body_too_large");
    }

    @Test
    void aDeclaredContentLengthOverMaxBodyIsRefusedBeforeTheBodyIsSent() throws IOException {
        String answer = rawExchange("POST " + PUBLISH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000000000\r\n\r\n{\"data\":\"x\"}");

        assertThat(answer).startsWith("HTTP/1.1 413 ").containsIgnoringCase("\r\nConnection: close\r\n");
        JsonNode body = new ObjectMapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(body.get("error").asText()).isEqualTo("body_too_large");
        assertNothingAppended();
        assertStillServes();
    }

    static Stream<Arguments> oversizedData() {
        return Stream.of(
                Arguments.of("ASCII string", "\"" + "a".repeat(MAX_EVENT_DATA + 1) + "\""),
                Arguments.of("string of 2-byte characters, under the limit in characters", "\"" + "ł".repeat(MAX_EVENT_DATA / 2 + 1) + "\""),
                Arguments.of("JSON object whose compact text is over the limit", "{\"k\": \"" + "a".repeat(MAX_EVENT_DATA - 7) + "\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversizedData")
    void dataOverMaxEventDataIsRefusedAsEventTooLarge(String kind, String data) {
        assertRefused(publisher.post(PUBLISH, "{\"data\":" + data + "}"), 413, "event_too_large");
    }

    @Test
    void dataOfExactlyMaxEventDataBytesIsAccepted() {
        HttpResponse<String> response = publisher.post(PUBLISH, "{\"data\":\"" + "ł".repeat(MAX_EVENT_DATA / 2) + "\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    @Test
    void aBatchOverMaxBatchIsRefusedAsBatchTooLarge() {
        String item = "{\"topic\":\"bad-input\",\"data\":\"x\"}";
        String body = "[" + String.join(",", Collections.nCopies(MAX_BATCH + 1, item)) + "]";

        assertRefused(publisher.post("/v1/events", body), 413, "batch_too_large");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ff", "c0 80", "ed a0 80", "e2 82", "f8 88 80 80 80", "80"})
    void invalidUtf8BytesAreRefusedAsInvalidJson(String hexBytes) {
        byte[] bad = HexFormat.of().parseHex(hexBytes.replace(" ", ""));
        byte[] head = "{\"data\":\"a".getBytes(UTF_8);
        byte[] tail = "b\"}".getBytes(UTF_8);
        byte[] body = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(bad, 0, body, head.length, bad.length);
        System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);

        assertRefused(publisher.post(PUBLISH, BodyPublishers.ofByteArray(body)), 400, "invalid_json");
    }

    static Stream<Arguments> unpairedSurrogateEscapes() {
        return Stream.of(
                Arguments.of("{\"data\":\"a\\ud800b\"}", "invalid_json"),
                Arguments.of("{\"data\":\"\\udc00\"}", "invalid_json"),
                Arguments.of("{\"data\":\"\\udc00\\ud800\"}", "invalid_json"),
                Arguments.of("{\"data\":{\"k\\ud800\":1}}", "invalid_json"),
                Arguments.of("{\"data\":\"x\",\"event\":\"\\ud83d\"}", "invalid_event"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unpairedSurrogateEscapes")
    void anEscapedUnpairedSurrogateIsRefusedRatherThanStoredAsQuestionMark(String body, String code) {
        assertRefused(publisher.post(PUBLISH, body), 400, code);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/v1", "/v1/topics", "/v1/topics/a/events/b", "/v2/events", "/metrics"})
    void anUnknownRouteIsAnswered404NotFoundInJson(String path) {
        assertRefused(publisher.get(path), 404, "not_found");
    }

    static Stream<Arguments> wrongMethods() {
        return Stream.of(
                Arguments.of("GET", "/v1/events"),
                Arguments.of("PUT", PUBLISH),
                Arguments.of("DELETE", PUBLISH),
                Arguments.of("OPTIONS", PUBLISH),
                Arguments.of("POST", "/v1/topics/" + TOPIC),
                Arguments.of("POST", "/health"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("wrongMethods")
    void aMethodTheRouteDoesNotAllowIsAnswered405MethodNotAllowedInJson(String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(publisher.uri(path)).method(method, BodyPublishers.ofString("{\"data\":\"x\"}")).build();

        assertRefused(publisher.send(request), 405, "method_not_allowed");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"has space", "x"})
    void anIdempotencyKeyHeaderOutsideOneTo200VisibleAsciiCharactersIsRefusedAsInvalidIdempotencyKey(String key) {
        String header = key.equals("x") ? "x".repeat(201) : key;
        HttpRequest request = HttpRequest.newBuilder(publisher.uri(PUBLISH)).header("Idempotency-Key", header)
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{\"data\":\"x\"}")).build();

        assertRefused(publisher.send(request), 400, "invalid_idempotency_key");
    }

    @Test
    void anEmptyIdempotencyKeyHeaderIsRefusedAsInvalidIdempotencyKey() throws IOException {
        String answer = rawExchange("POST " + PUBLISH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nIdempotency-Key:\r\nContent-Type: application/json\r\nContent-Length: 12\r\n"
                + "Connection: close\r\n\r\n{\"data\":\"x\"}");

        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("invalid_idempotency_key");
        assertNothingAppended();
    }

    @Test
    void headersOverMaxHeaderSizeAreRefusedAsHeadersTooLargeInJson() {
        HttpRequest request = HttpRequest.newBuilder(publisher.uri(PUBLISH)).header("X-Padding", "p".repeat(MAX_HEADER_SIZE))
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{\"data\":\"x\"}")).build();

        assertRefused(publisher.send(request), 431, "headers_too_large");
    }

    @Test
    void headersOverTheParsersHardLimitGetABare400AndTheConnectionClosed() throws IOException {
        String answer = rawExchange("POST " + PUBLISH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "p".repeat(70 * 1024)
                + "\r\nContent-Length: 12\r\n\r\n{\"data\":\"x\"}");

        assertThat(answer).startsWith("HTTP/1.1 400 ").containsIgnoringCase("Connection: close");
        assertNothingAppended();
        assertStillServes();
    }

    @Test
    void moreThan200HeadersGetABare400AndTheConnectionClosed() throws IOException {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 250; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }
        String answer = rawExchange("POST " + PUBLISH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"data\":\"x\"}");

        assertThat(answer).startsWith("HTTP/1.1 400 ").containsIgnoringCase("Connection: close");
        assertNothingAppended();
        assertStillServes();
    }

    /** {@code {"data":"x"}} padded with JSON whitespace to exactly {@code length} bytes. */
    private static String paddedBody(int length) {
        String json = "{\"data\":\"x\"}";
        return json + " ".repeat(length - json.length());
    }

    private void assertRefused(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = TestPublisher.json(response);
        assertThat(body.get("error").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
        assertNothingAppended();
        assertStillServes();
    }

    private void assertNothingAppended() {
        assertThat(publisher.feedEntries()).as("entries in all partition feeds").isEqualTo(feedBefore);
        assertThat(publisher.redis().xlen(publisher.historyKey(TOPIC))).as("entries in the history of " + TOPIC).isEqualTo(historyBefore);
    }

    private void assertStillServes() {
        publisher.publish(TOPIC, "good");
        assertThat(publisher.feedEntries()).as("entries after one good publish").isEqualTo(feedBefore + 1);
    }

    /** Sends {@code request} as is over a plain socket and returns the whole answer, for requests HttpClient will not make. */
    private static String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", publisher.publisher().port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), UTF_8);
        }
    }
}
