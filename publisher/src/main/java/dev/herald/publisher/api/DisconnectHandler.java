package dev.herald.publisher.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.revocation.Revocation;
import dev.herald.publisher.auth.Access;
import dev.herald.publisher.stream.RevocationWriter;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@code POST /v1/disconnect}: closes, on every gateway, the streams of a token subject
 * ({@code {"sub": "user-1"}}), of a topic ({@code {"topic": "orders"}}) or of a token ID
 * ({@code {"jti": "…", "exp": <the token's exp, in seconds>}}); a revoked token ID is also refused at stream
 * open until the token expires (its {@code exp} plus the clock skew). Answers {@code 202} with what was
 * requested once Redis holds the request; the gateways act on it within a round trip.
 *
 * <p>By topic, the request needs a grant to publish to it (as {@code DELETE /v1/topics/{topic}}); by subject or
 * token ID, which may span any topic, a grant to publish to every topic ({@code *}).
 */
public final class DisconnectHandler implements HttpHandler {
    private static final int MAX_VALUE_LENGTH = 256;
    /** Latest accepted {@code exp}: the end of year 9999, as JWT libraries bound dates. */
    private static final long MAX_EXP_SECONDS = 253_402_300_799L;

    private final BodyReader bodies;
    private final RevocationWriter writer;
    private final Duration clockSkew;

    public DisconnectHandler(BodyReader bodies, RevocationWriter writer, Duration clockSkew) {
        this.bodies = bodies;
        this.writer = writer;
        this.clockSkew = clockSkew;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        bodies.read(exchange, (ex, body) -> {
            Revocation revocation = parse(EventParser.readJson(body));
            if (revocation.by() == Revocation.By.TOPIC) {
                Access.requirePublish(ex, List.of(EventParser.topic(revocation.value())));
            } else {
                Access.requirePublishToAll(ex);
            }
            return writer.write(revocation).thenApply(written -> new BodyReader.Answer(202, answer(revocation)));
        });
    }

    private Revocation parse(JsonNode node) {
        if (!node.isObject()) {
            throw new ApiException(ErrorCode.INVALID_BODY, "body must be a JSON object naming one of 'sub', 'topic' or 'jti'");
        }
        List<Revocation.By> named = new ArrayList<>();
        for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            Revocation.By by = by(field);
            if (by != null) {
                named.add(by);
            } else if (!field.equals("exp")) {
                throw new ApiException(ErrorCode.UNKNOWN_FIELD, "unknown field '" + field + "'; allowed: sub, topic, jti, exp");
            }
        }
        if (named.size() != 1) {
            throw new ApiException(ErrorCode.INVALID_BODY, "name exactly one of 'sub', 'topic' or 'jti'");
        }
        Revocation.By by = named.get(0);
        String value = value(node.get(by.field()), by.field());
        if (by == Revocation.By.TOPIC) {
            EventParser.topic(value); // 400 invalid_topic before anything is written
        }
        if (by != Revocation.By.JTI) {
            if (node.has("exp")) {
                throw new ApiException(ErrorCode.INVALID_BODY, "'exp' goes only with 'jti'");
            }
            return new Revocation(by, value, null);
        }
        return new Revocation(by, value, Instant.ofEpochSecond(exp(node.get("exp"))).plus(clockSkew));
    }

    private static Revocation.By by(String field) {
        for (Revocation.By by : Revocation.By.values()) {
            if (by.field().equals(field)) {
                return by;
            }
        }
        return null;
    }

    private static String value(JsonNode node, String field) {
        if (!node.isTextual() || node.asText().isEmpty() || node.asText().length() > MAX_VALUE_LENGTH) {
            throw new ApiException(ErrorCode.INVALID_BODY, "'" + field + "' must be a string of 1 to " + MAX_VALUE_LENGTH + " characters");
        }
        return node.asText();
    }

    private static long exp(JsonNode node) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() <= 0 || node.asLong() > MAX_EXP_SECONDS) {
            throw new ApiException(ErrorCode.INVALID_BODY,
                    "'jti' needs 'exp', the token's expiry in seconds since the epoch: it is refused until then");
        }
        return node.asLong();
    }

    private static ObjectNode answer(Revocation revocation) {
        ObjectNode answer = JsonResponses.MAPPER.createObjectNode().put(revocation.by().field(), revocation.value());
        if (revocation.refusedUntil() != null) {
            answer.put("refusedUntil", revocation.refusedUntil().toString());
        }
        return answer;
    }
}
