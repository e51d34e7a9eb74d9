package dev.herald.publisher.api;

import dev.herald.common.http.JsonResponses;
import io.undertow.io.Receiver;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Reads a request body without blocking, up to a size limit, hands it to an asynchronous action and
 * answers with what the action completes with; every failure goes to the {@link ErrorResponder}.
 *
 * <p>A body of declared length within the limit is read by {@link DeclaredLengthBody}; a chunked one, or
 * one declared over the limit, by Undertow's receiver. The limit is enforced here, not by Undertow's
 * {@code MAX_ENTITY_SIZE}: that one drops a chunked upload's connection without an answer, while this
 * answers {@code 413} whether or not the request declared a {@code Content-Length}.
 */
public final class BodyReader {
    private final int maxBodyBytes;
    private final ErrorResponder errors;

    public BodyReader(int maxBodyBytes, ErrorResponder errors) {
        this.maxBodyBytes = maxBodyBytes;
        this.errors = errors;
    }

    /** The answer to a successful request: a status and a JSON body (a {@code String} is sent as {@code text/plain}). */
    public record Answer(int status, Object body) {
    }

    public void read(HttpServerExchange exchange, BiFunction<HttpServerExchange, byte[], CompletableFuture<Answer>> action) {
        long declared = exchange.getRequestContentLength();
        if (declared >= 0 && declared <= maxBodyBytes) {
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> DeclaredLengthBody.read(exchange, (int) declared,
                    (ex, body) -> run(ex, body, action), error -> unreadable(exchange, error)));
            return;
        }
        Receiver receiver = exchange.getRequestReceiver();
        receiver.setMaxBufferSize(maxBodyBytes);
        receiver.receiveFullBytes((ex, body) -> ex.dispatch(SameThreadExecutor.INSTANCE, () -> run(ex, body, action)), this::unreadable);
    }

    /**
     * The body could not be read. Its rest is left unread either way, so the connection ends after the
     * answer with a bounded lingering close rather than a full drain (an oversized body could be of any
     * length). For anything but the size the client has usually gone or broken the framing, and the answer
     * is a formality.
     */
    private void unreadable(HttpServerExchange exchange, IOException error) {
        if (error instanceof Receiver.RequestToLargeException) {
            errors.answer(exchange, ErrorCode.BODY_TOO_LARGE, "request body is larger than " + maxBodyBytes + " bytes");
        } else {
            errors.answer(exchange, ErrorCode.INVALID_BODY, "request body could not be read: " + error.getMessage());
        }
    }

    private void run(HttpServerExchange exchange, byte[] body, BiFunction<HttpServerExchange, byte[], CompletableFuture<Answer>> action) {
        CompletableFuture<Answer> answer;
        try {
            answer = action.apply(exchange, body);
        } catch (RuntimeException e) {
            errors.fail(exchange, e);
            return;
        }
        answer.whenComplete((result, error) -> IoThread.answer(exchange, () -> {
            if (error == null && result.body() instanceof String text) {
                exchange.setStatusCode(result.status());
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
                exchange.getResponseSender().send(text);
            } else if (error == null) {
                JsonResponses.send(exchange, result.status(), result.body());
            } else {
                errors.fail(exchange, error);
            }
        }));
    }

}
