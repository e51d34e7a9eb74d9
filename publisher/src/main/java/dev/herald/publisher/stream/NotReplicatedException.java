package dev.herald.publisher.stream;

/**
 * Fewer replicas than required acknowledged a publish in time. The events were appended on the master and
 * may well survive, but that was not confirmed; a retry with the same idempotency key is safe.
 */
public final class NotReplicatedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotReplicatedException(long acknowledged, int required) {
        super(acknowledged + " of the " + required + " required replicas acknowledged the write in time", null, false, false);
    }
}
