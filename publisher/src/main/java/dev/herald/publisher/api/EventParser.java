package dev.herald.publisher.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.common.sse.SseEncoder;
import dev.herald.common.topic.Topic;
import dev.herald.publisher.stream.NewEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Turns request bodies into validated events. {@code data} may be a JSON string (sent as is) or any other
 * JSON value (sent as its compact JSON text); {@code event} and {@code retry} are optional, and so is a batch
 * item's {@code idempotencyKey} (a single event's comes from the {@code Idempotency-Key} header). Unknown
 * fields are refused so that a misspelt field is not silently dropped.
 */
public final class EventParser {
    static final int MAX_EVENT_NAME_LENGTH = 256;
    private static final List<String> EVENT_FIELDS = List.of("event", "data", "retry");
    private static final List<String> BATCH_ITEM_FIELDS = List.of("topic", "event", "data", "retry", "idempotencyKey");
    /**
     * Strict where Jackson is lenient by default: text after the document and repeated fields are errors,
     * not ignored or last-wins; numbers keep their exact value and digits ({@code 1.10}, {@code 1e400}),
     * where doubles would round them or turn them into {@code "Infinity"}.
     */
    private static final ObjectReader READER = JsonResponses.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    private final long maxEventBytes;
    private final int maxBatch;

    public EventParser(long maxEventBytes, int maxBatch) {
        this.maxEventBytes = maxEventBytes;
        this.maxBatch = maxBatch;
    }

    /** Parses a single-event body for {@code topic}; {@code idempotencyKey} is the header's, or {@code null}. */
    public NewEvent parseOne(Topic topic, byte[] body, String idempotencyKey) {
        String key = idempotencyKey == null ? null : IdempotencyKeys.check(idempotencyKey, "Idempotency-Key");
        JsonNode node = readJson(body);
        if (!node.isObject()) {
            throw new ApiException(ErrorCode.INVALID_BODY, "body must be a JSON object with a 'data' field");
        }
        return toEvent(topic, node, EVENT_FIELDS, "", key);
    }

    /** Parses a batch body: a JSON array of {@code {topic, event, data, retry, idempotencyKey}}. */
    public List<NewEvent> parseBatch(byte[] body) {
        JsonNode node = readJson(body);
        if (!node.isArray()) {
            throw new ApiException(ErrorCode.INVALID_BODY, "body must be a JSON array of events");
        }
        if (node.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_BODY, "batch is empty");
        }
        if (node.size() > maxBatch) {
            throw new ApiException(ErrorCode.BATCH_TOO_LARGE, "batch has " + node.size() + " events; at most " + maxBatch + " are allowed");
        }
        List<NewEvent> events = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String where = "events[" + i + "]: ";
            if (!item.isObject()) {
                throw new ApiException(ErrorCode.INVALID_BODY, where + "must be a JSON object");
            }
            JsonNode topicNode = item.get("topic");
            if (topicNode == null || !topicNode.isTextual()) {
                throw new ApiException(ErrorCode.INVALID_TOPIC, where + "'topic' must be a string");
            }
            events.add(toEvent(topic(topicNode.asText()), item, BATCH_ITEM_FIELDS, where, idempotencyKey(item.get("idempotencyKey"), where)));
        }
        return events;
    }

    /** Validates a topic name from a path or body; the Mercure topic is not Herald's API's to touch. */
    public static Topic topic(String name) {
        Topic topic;
        try {
            topic = Topic.of(name);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_TOPIC, e.getMessage());
        }
        String reserved = MercureUpdate.reservedProblem(topic);
        if (reserved != null) {
            throw new ApiException(ErrorCode.INVALID_TOPIC, reserved);
        }
        return topic;
    }

    /** Reads a body as one strict JSON document (see {@link #READER}). */
    static JsonNode readJson(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(ErrorCode.INVALID_JSON, "body is empty; a JSON document is required");
        }
        try {
            JsonNode node = READER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new ApiException(ErrorCode.INVALID_JSON, "body holds no JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ApiException(ErrorCode.INVALID_JSON, "body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(ErrorCode.INVALID_JSON, "body is not valid JSON");
        }
    }

    private static String idempotencyKey(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new ApiException(ErrorCode.INVALID_IDEMPOTENCY_KEY, where + "'idempotencyKey' must be a string");
        }
        return IdempotencyKeys.check(node.asText(), where + "'idempotencyKey'");
    }

    private NewEvent toEvent(Topic topic, JsonNode node, List<String> allowed, String where, String idempotencyKey) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ApiException(ErrorCode.UNKNOWN_FIELD, where + "unknown field '" + name + "'; allowed: " + allowed);
            }
        }
        JsonNode dataNode = node.get("data");
        if (dataNode == null || dataNode.isNull()) {
            throw new ApiException(ErrorCode.MISSING_DATA, where + "'data' is required");
        }
        String data = dataNode.isTextual() ? dataNode.asText() : dataNode.toString();
        long bytes = data.length() > maxEventBytes ? Long.MAX_VALUE : Utf8.length(data); // more chars than allowed bytes: too large
        if (bytes == Utf8.UNPAIRED_SURROGATE) {
            throw new ApiException(ErrorCode.INVALID_JSON, where + "'data' holds a \\u escape of an unpaired surrogate, which is not text");
        }
        if (bytes > maxEventBytes) {
            throw new ApiException(ErrorCode.EVENT_TOO_LARGE, where + "'data' is larger than " + maxEventBytes + " bytes");
        }
        return new NewEvent(topic, eventName(node.get("event"), where), data, retry(node.get("retry"), where), idempotencyKey);
    }

    private static String eventName(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new ApiException(ErrorCode.INVALID_EVENT, where + "'event' must be a string");
        }
        String name = node.asText();
        if (name.length() > MAX_EVENT_NAME_LENGTH) {
            throw new ApiException(ErrorCode.INVALID_EVENT, where + "'event' is longer than " + MAX_EVENT_NAME_LENGTH + " characters");
        }
        String problem = SseEncoder.problemWithFieldValue("'event'", name);
        if (problem != null) {
            throw new ApiException(ErrorCode.INVALID_EVENT, where + problem);
        }
        if (Utf8.length(name) == Utf8.UNPAIRED_SURROGATE) {
            throw new ApiException(ErrorCode.INVALID_EVENT, where + "'event' holds a \\u escape of an unpaired surrogate, which is not text");
        }
        return name.isEmpty() ? null : name;
    }

    private static long retry(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return -1;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0 || node.asLong() > 86_400_000L) {
            throw new ApiException(ErrorCode.INVALID_RETRY, where + "'retry' must be an integer number of milliseconds from 0 to 86400000");
        }
        return node.asLong();
    }
}
