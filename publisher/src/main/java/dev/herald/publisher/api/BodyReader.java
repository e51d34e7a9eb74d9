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
 * <p>Only a body declared with the reader's media type (parameters such as {@code charset} allowed, any
 * case) is read; anything else is answered {@code 415} unread. For Herald's JSON API, besides telling a
 * client that sent the wrong thing, this stops a cross-site HTML form (which can only send form, multipart or
 * text bodies, and does so without a CORS preflight) from publishing through a browser that holds no
 * credentials at all when authentication is off. (The Mercure endpoint takes forms, as its protocol says,
 * and guards against cross-site cookies itself.)
 */
public final class BodyReader {
    public static final String JSON = "application/json";
    public static final String FORM = "application/x-www-form-urlencoded";

    private final int maxBodyBytes;
    private final ErrorResponder errors;
    private final String mediaType;

    /** Reads bodies of {@code mediaType} ({@link #JSON} or {@link #FORM}) of at most {@code maxBodyBytes}. */
    public BodyReader(int maxBodyBytes, ErrorResponder errors, String mediaType) {
        this.maxBodyBytes = maxBodyBytes;
        this.errors = errors;
        this.mediaType = mediaType;
    }

    /** The answer to a successful request: a status and a JSON body (a {@code String} is sent as {@code text/plain}). */
    public record Answer(int status, Object body) {
    }

    public void read(HttpServerExchange exchange, BiFunction<HttpServerExchange, byte[], CompletableFuture<Answer>> action) {
        if (!hasMediaType(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE), mediaType)) {
            errors.answer(exchange, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be sent with Content-Type: " + mediaType);
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

    /** True if {@code contentType} is {@code mediaType}, with any parameters, in any case. */
    static boolean hasMediaType(String contentType, String mediaType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String declared = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return declared.equalsIgnoreCase(mediaType);
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
