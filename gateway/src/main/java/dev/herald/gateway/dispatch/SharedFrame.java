package dev.herald.gateway.dispatch;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.sse.SseEncoder;
import dev.herald.common.topic.Topic;
import java.nio.ByteBuffer;

/**
 * One event encoded once, as {@code id: <partition>:<ms>-<seq>\n...data...\n\n}, in a read-only direct
 * buffer that every receiving connection shares. Connections take {@link #view()}s: independent positions
 * over the same bytes, never a copy. A connection that reads several partitions writes its other
 * partitions' positions first and then {@link #viewAfterIdField()}, so the frame stays shared.
 */
public final class SharedFrame {
    private static final int ID_FIELD = "id: ".length();

    private final ByteBuffer bytes;
    private final int partition;
    private final StreamId id;
    private final Topic topic;
    private final long publishedMicros;

    private SharedFrame(ByteBuffer bytes, int partition, StreamId id, Topic topic, long publishedMicros) {
        this.bytes = bytes;
        this.partition = partition;
        this.id = id;
        this.topic = topic;
        this.publishedMicros = publishedMicros;
    }

    public static SharedFrame encode(int partition, Event event) {
        String frameId = partition + ":" + event.id();
        StringBuilder text = SseEncoder.appendEvent(new StringBuilder(64 + event.data().length()), frameId,
                event.event(), event.retryMillis(), event.data());
        return new SharedFrame(SseEncoder.toSharedBuffer(text), partition, event.id(), event.topic(), event.publishedMicros());
    }

    /** The whole frame, positioned at its start. */
    public ByteBuffer view() {
        return bytes.duplicate();
    }

    /** The frame from the value of its {@code id:} field on, for connections that prefix other positions. */
    public ByteBuffer viewAfterIdField() {
        return bytes.duplicate().position(ID_FIELD);
    }

    public int size() {
        return bytes.limit();
    }

    public int partition() {
        return partition;
    }

    public StreamId id() {
        return id;
    }

    public Topic topic() {
        return topic;
    }

    public long publishedMicros() {
        return publishedMicros;
    }
}
