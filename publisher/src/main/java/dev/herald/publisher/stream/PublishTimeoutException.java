package dev.herald.publisher.stream;

/** An append did not complete before its request's deadline. */
public final class PublishTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param sent whether its script call had gone to Redis (it may then still be appended) or was still waiting (it never will be) */
    public PublishTimeoutException(long timeoutMillis, boolean sent) {
        super(sent ? "the append did not complete within " + timeoutMillis + " ms; it may still be appended: retry with the same Idempotency-Key"
                : "the append waited " + timeoutMillis + " ms behind others and was not sent; nothing was appended", null, false, false);
    }
}
