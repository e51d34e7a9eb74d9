package dev.herald.publisher.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.common.auth.AuthException;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.redis.IdempotencyKeyReusedException;
import dev.herald.common.http.LingeringClose;
import dev.herald.publisher.auth.AccessDeniedException;
import dev.herald.publisher.metrics.PublisherMetrics;
import dev.herald.publisher.stream.NotReplicatedException;
import dev.herald.publisher.stream.OverloadedException;
import dev.herald.publisher.stream.PublishTimeoutException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import io.micrometer.core.instrument.Counter;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every refused or failed request with the JSON error body and counts it by code, so that
 * {@code herald.publisher.errors} counts exactly what clients were told. Counters are registered up
 * front, one per code, so every code shows in {@code /metrics} from the start and counting is one
 * increment.
 */
public final class ErrorResponder {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

    private final Map<ErrorCode, Counter> counters = new EnumMap<>(ErrorCode.class);
    private final LingeringClose lingering;

    /** @param lingering how a connection ends when an error is answered before its request body was read */
    public ErrorResponder(PublisherMetrics metrics, LingeringClose lingering) {
        this.lingering = lingering;
        for (ErrorCode code : ErrorCode.values()) {
            counters.put(code, metrics.errors(code.code()));
        }
    }

    /** Answers {@code code} with its status and {@code message}, and counts it. */
    public void answer(HttpServerExchange exchange, ErrorCode code, String message) {
        counters.get(code).increment();
        lingering.arm(exchange);
        JsonResponses.error(exchange, code.status(), code.code(), message);
    }

    /**
     * Answers refused credentials: {@code 401 {"error":"unauthorized","reason":"token_expired","message":...}}.
     * The caller has set {@code WWW-Authenticate}.
     */
    public void unauthorized(HttpServerExchange exchange, AuthException refused) {
        counters.get(ErrorCode.UNAUTHORIZED).increment();
        lingering.arm(exchange);
        ObjectNode body = JsonResponses.MAPPER.createObjectNode()
                .put("error", ErrorCode.UNAUTHORIZED.code()).put("reason", refused.code()).put("message", refused.getMessage());
        JsonResponses.send(exchange, ErrorCode.UNAUTHORIZED.status(), body);
    }

    /**
     * Answers a request whose handling failed, possibly asynchronously: a refusal as it says; a full
     * partition queue or a missed deadline as {@code 503} with {@code Retry-After}; a Redis failure (unreachable, timed out, refused the command) or a write the replicas did not confirm as
     * {@code 503} with {@code Retry-After}, since the client may retry; anything else is a bug here, answered
     * {@code 500} and logged in full.
     */
    public void fail(HttpServerExchange exchange, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ApiException refused) {
            answer(exchange, refused.code(), refused.getMessage());
        } else if (cause instanceof AccessDeniedException denied) {
            answer(exchange, ErrorCode.FORBIDDEN, denied.getMessage());
        } else if (cause instanceof IdempotencyKeyReusedException) {
            answer(exchange, ErrorCode.IDEMPOTENCY_KEY_REUSED, "an idempotency key of this request was already used, within its window,"
                    + " for an event with another body; nothing was appended: send a new event with a new key");
        } else if (cause instanceof NotReplicatedException notReplicated) {
            LOG.warn("publish not replicated: {}", notReplicated.getMessage());
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            answer(exchange, ErrorCode.NOT_REPLICATED, notReplicated.getMessage() + "; the event may or may not survive a failover:"
                    + " retry with the same Idempotency-Key");
        } else if (cause instanceof OverloadedException || cause instanceof PublishTimeoutException) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            answer(exchange, cause instanceof OverloadedException ? ErrorCode.OVERLOADED : ErrorCode.PUBLISH_TIMEOUT, cause.getMessage());
        } else if (cause instanceof RedisException || cause instanceof IOException) {
            // Lettuce fails a command in flight when Redis drops the connection with the raw I/O error
            // (e.g. "Connection reset"): Redis did not confirm it either.
            LOG.warn("redis unavailable for {} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), cause.toString());
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            answer(exchange, ErrorCode.REDIS_UNAVAILABLE, "Redis did not answer or refused the command; retry later");
        } else {
            LOG.error("failed to handle {} {}", exchange.getRequestMethod(), exchange.getRequestPath(), cause);
            answer(exchange, ErrorCode.INTERNAL_ERROR, "the publisher failed to handle the request");
        }
    }

    /** {@code handler}, which answers {@code code} by itself (the shared 404 and 405 answers), with that answer counted. */
    public HttpHandler counting(ErrorCode code, HttpHandler handler) {
        Counter counter = counters.get(code);
        return exchange -> {
            counter.increment();
            lingering.arm(exchange);
            handler.handleRequest(exchange);
        };
    }
}
