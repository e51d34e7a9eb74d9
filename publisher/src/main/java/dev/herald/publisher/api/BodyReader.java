package dev.herald.publisher.api;

import dev.herald.common.http.JsonResponses;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request body without blocking, up to a size limit, hands it to an asynchronous action and
 * answers with what the action completes with. Every failure becomes a JSON error: {@link ApiException}s
 * as they say, an unreachable Redis as {@code 503} with {@code Retry-After}.
 */
public final class BodyReader {
    private static final Logger LOG = LoggerFactory.getLogger(BodyReader.class);

    private final long maxBodyBytes;

    public BodyReader(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The answer to a successful request: a status and a JSON body. */
    public record Answer(int status, Object body) {
    }

    public void read(HttpServerExchange exchange, BiFunction<HttpServerExchange, byte[], CompletableFuture<Answer>> action) {
        exchange.setMaxEntitySize(maxBodyBytes);
        exchange.getRequestReceiver().receiveFullBytes(
                (ex, body) -> ex.dispatch(SameThreadExecutor.INSTANCE, () -> run(ex, body, action)),
                (ex, error) -> {
                    if (error instanceof RequestTooBigException || (error.getCause() instanceof RequestTooBigException)) {
                        JsonResponses.error(ex, 413, "body_too_large", "request body is larger than " + maxBodyBytes + " bytes");
                    } else {
                        ex.endExchange();
                    }
                });
    }

    private static void run(HttpServerExchange exchange, byte[] body,
                            BiFunction<HttpServerExchange, byte[], CompletableFuture<Answer>> action) {
        CompletableFuture<Answer> answer;
        try {
            answer = action.apply(exchange, body);
        } catch (ApiException e) {
            JsonResponses.error(exchange, e.status(), e.code(), e.getMessage());
            return;
        }
        answer.whenComplete((result, error) -> {
            if (error == null) {
                JsonResponses.send(exchange, result.status(), result.body());
            } else {
                answerFailure(exchange, error);
            }
        });
    }

    static void answerFailure(HttpServerExchange exchange, Throwable error) {
        Throwable cause = error.getCause() != null && error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof ApiException e) {
            JsonResponses.error(exchange, e.status(), e.code(), e.getMessage());
            return;
        }
        LOG.warn("redis unavailable for {} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), cause.toString());
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
        JsonResponses.error(exchange, 503, "redis_unavailable", "the event store did not confirm the append; retry later");
    }
}
