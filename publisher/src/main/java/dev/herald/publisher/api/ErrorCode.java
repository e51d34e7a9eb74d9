package dev.herald.publisher.api;

import java.util.Locale;

/**
 * Every error the publisher answers, with its HTTP status. The code is the stable, machine-readable
 * {@code error} of the JSON body and the {@code code} tag of {@code herald.publisher.errors}; tying it to
 * one status here keeps the two from drifting apart at call sites.
 */
public enum ErrorCode {
    INVALID_JSON(400),
    INVALID_BODY(400),
    INVALID_TOPIC(400),
    MISSING_DATA(400),
    UNKNOWN_FIELD(400),
    INVALID_EVENT(400),
    INVALID_RETRY(400),
    /** A query parameter out of its range or form, e.g. a history page's {@code after}, {@code before} or {@code limit}. */
    INVALID_QUERY(400),
    /** An {@code Idempotency-Key} header or {@code idempotencyKey} field that is not 1 to 200 visible ASCII characters. */
    INVALID_IDEMPOTENCY_KEY(400),
    /** Missing, invalid or expired credentials; answered with {@code WWW-Authenticate} and the precise {@code reason}. */
    UNAUTHORIZED(401),
    /** Valid credentials that do not allow this topic. */
    FORBIDDEN(403),
    NOT_FOUND(404),
    /** {@code DELETE /v1/topics/{topic}} of a topic with no retained history. */
    TOPIC_NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    BODY_TOO_LARGE(413),
    EVENT_TOO_LARGE(413),
    BATCH_TOO_LARGE(413),
    /** A body sent without {@code Content-Type: application/json}; it was not read. */
    UNSUPPORTED_MEDIA_TYPE(415),
    /**
     * An idempotency key already used within its window for an event with another body (Stripe's rule):
     * nothing of the request was appended; a new event needs a new key.
     */
    IDEMPOTENCY_KEY_REUSED(422),
    /** Request headers over {@code herald.publisher.limits.max-header-size}. */
    HEADERS_TOO_LARGE(431),
    /** A bug in the publisher, not a problem with the request or with Redis; logged with its stack trace. */
    INTERNAL_ERROR(500),
    /** Redis did not confirm the command (unreachable, timed out or refused it); answered with {@code Retry-After}. */
    REDIS_UNAVAILABLE(503),
    /**
     * Fewer replicas than {@code herald.publisher.min-replica-acks} confirmed the append in time; answered with
     * {@code Retry-After}. The event was appended on the master; retrying with the same idempotency key is safe.
     */
    NOT_REPLICATED(503),
    /**
     * The topic's partition has more waiting than {@code herald.publisher.limits.queue-events} or
     * {@code .queue-bytes}; answered with {@code Retry-After}, nothing was appended.
     */
    OVERLOADED(503),
    /**
     * The append did not complete within {@code herald.publisher.limits.request-timeout}; answered with
     * {@code Retry-After}. The message says whether it may still be appended (retry with the same idempotency key).
     */
    PUBLISH_TIMEOUT(503),
    /** The publisher is stopping; answered with {@code Retry-After}, nothing was appended. */
    SHUTTING_DOWN(503);

    private final int status;
    private final String code = name().toLowerCase(Locale.ROOT);

    ErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
