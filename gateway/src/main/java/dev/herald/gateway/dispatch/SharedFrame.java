package dev.herald.gateway.dispatch;

import dev.herald.common.event.Cursor;
import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.sse.SseEncoder;
import dev.herald.common.topic.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One event encoded once, as {@code id: <partition>:<ms>-<seq>\n...data...\n\n}, in a read-only buffer that
 * every receiving connection shares. Connections take {@link #view()}s: independent positions over the same
 * bytes, never a copy. A connection that reads several partitions writes its other partitions' positions
 * first and then {@link #viewAfterIdField()}, so the frame stays shared.
 *
 * <p>Each frame owns its bytes (a heap array): a slow client on a rare topic keeps only its own frames
 * alive, never a slab of other topics' events, and frame memory is bounded by the heap like everything
 * else. The socket write copies them into the JDK's per-thread cached direct buffer, a memcpy beside the
 * syscall that follows.
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

    /** Encodes one event of {@code partition}; {@code text} is scratch space, reused between calls. */
    static SharedFrame encode(int partition, Event e, StringBuilder text) {
        text.setLength(0);
        SseEncoder.appendEvent(text, Cursor.encodeOne(partition, e.id()), e.event(), e.retryMillis(), e.data());
        ByteBuffer frame = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
        return new SharedFrame(frame, partition, e.id(), e.topic(), e.publishedMicros());
    }

    public static SharedFrame encode(int partition, Event event) {
        return encode(partition, event, new StringBuilder(256));
    }

    /** Encodes events of one partition, in order. */
    public static List<SharedFrame> encodeAll(int partition, List<Event> events) {
        List<SharedFrame> frames = new ArrayList<>(events.size());
        StringBuilder text = new StringBuilder(256);
        for (Event e : events) {
            frames.add(encode(partition, e, text));
        }
        return frames;
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
