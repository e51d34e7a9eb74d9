package dev.herald.gateway.connection;

/**
 * The names of the events Herald itself sends on a stream, beside the published ones; docs/asyncapi.yaml
 * describes each, and a test holds it to this list. None carries an {@code id:}, so none moves a client's
 * cursor.
 */
public final class StreamEvents {
    /** Events before the resume point are gone: history trimmed, or more than a replay may send. */
    public static final String RESET = "herald.reset";
    /** The stream's token expired; the stream ends after it. */
    public static final String TOKEN_EXPIRED = "herald.token-expired";
    /** A disconnect request named the stream; it ends after it. */
    public static final String REVOKED = "herald.revoked";

    private StreamEvents() {
    }
}
