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
 *
 * <p>Only a body declared {@code Content-Type: application/json} (parameters such as {@code charset} allowed,
 * any case) is read; anything else is answered {@code 415} unread. Besides telling a client that sent the
 * wrong thing, this stops a cross-site HTML form (which can only send form, multipart or text bodies, and does
 * so without a CORS preflight) from publishing through a browser that holds no credentials at all when
 * authentication is off.
 */
public final class BodyReader {
    private final int maxBodyBytes;
    private final ErrorResponder errors;

    public BodyReader(int maxBodyBytes, ErrorResponder errors) {
        this.maxBodyBytes = maxBodyBytes;
        this.errors = errors;
    }

    /** The answer to a successful request: a status and a JSON body. */
    public record Answer(int status, Object body) {
    }

    public void read(HttpServerExchange exchange, BiFunction<HttpServerExchange, byte[], CompletableFuture<Answer>> action) {
        if (!isJson(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE))) {
            errors.answer(exchange, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be sent with Content-Type: application/json");
            return;
        }
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

    /** True for {@code application/json}, with any parameters, in any case. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return mediaType.equalsIgnoreCase("application/json");
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
            if (error == null) {
                JsonResponses.send(exchange, result.status(), result.body());
            } else {
                errors.fail(exchange, error);
            }
        }));
    }

}
