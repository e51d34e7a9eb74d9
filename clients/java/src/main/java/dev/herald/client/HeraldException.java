package dev.herald.client;

import java.time.Duration;

/** A request Herald refused, or that could not be completed: the status, the JSON error code and message. */
public final class HeraldException extends RuntimeException {
    private final int status;
    private final String error;
    private final Duration retryAfter;

    HeraldException(int status, String error, String message, Duration retryAfter) {
        super(status + " " + error + ": " + message);
        this.status = status;
        this.error = error;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status, or 0 when no answer came (the connection failed). */
    public int status() {
        return status;
    }

    /** The {@code error} code of the JSON body, e.g. {@code invalid_topic}, {@code redis_unavailable}. */
    public String error() {
        return error;
    }

    /** The {@code Retry-After} the server asked for, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
