package dev.herald.publisher.stream;

/** A partition already has as much waiting as its queue may hold; nothing of the request was appended. */
public final class OverloadedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OverloadedException(int partition, int events, long bytes) {
        super("partition " + partition + " already has " + events + " events (" + bytes + " bytes) waiting to be appended", null, false, false);
    }
}
