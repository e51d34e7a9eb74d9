package dev.herald.gateway.connection;

import io.undertow.util.AttachmentKey;

/**
 * A slot among the gateway's limited streams, taken when a request is admitted. The stream gives it back
 * when it closes ({@link SseConnection#close} is the one place every stream ends); a request that never
 * became a stream gives it back just before its answer is written, or when its exchange ends unanswered.
 */
@FunctionalInterface
public interface StreamLease {
    /** Where an admitted request carries its lease until the stream takes it over. */
    AttachmentKey<StreamLease> KEY = AttachmentKey.create(StreamLease.class);

    /** For streams that no limit counts. */
    StreamLease NONE = () -> { };

    /** Gives the slot back. Called exactly once. */
    void release();
}
