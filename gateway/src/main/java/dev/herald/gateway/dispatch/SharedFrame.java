package dev.herald.gateway.dispatch;

import dev.herald.common.event.Cursor;
import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.common.sse.SseEncoder;
import dev.herald.common.topic.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One event encoded once, as {@code id: <partition>:<ms>-<seq>\n...data...\n\n}, in a read-only buffer that
 * every receiving connection shares. Connections take {@link #view()}s: independent positions over the same
 * bytes, never a copy. A connection that reads several partitions writes its other partitions' positions
 * first and then {@link #viewAfterIdField()}, so the frame stays shared.
 *
 * <p>Frames live in read-only direct memory, so a socket write hands them to the kernel without the copy
 * the JDK makes of heap buffers. Direct buffers are costly to allocate and are freed only by the garbage
 * collector, so the frames of one topic in one run share one slab; a slow client on a rare topic keeps
 * only its own topic's frames alive, never a slab of other topics' events.
 */
public final class SharedFrame {
    private static final int ID_FIELD = "id: ".length();

    private final ByteBuffer bytes;
    private final int partition;
    private final StreamId id;
    private final Topic topic;
    private final long publishedMicros;
    private final MercureUpdate.Audience mercure;

    private SharedFrame(ByteBuffer bytes, int partition, StreamId id, Topic topic, long publishedMicros, MercureUpdate.Audience mercure) {
        this.bytes = bytes;
        this.partition = partition;
        this.id = id;
        this.topic = topic;
        this.publishedMicros = publishedMicros;
        this.mercure = mercure;
    }

    public static SharedFrame encode(int partition, Event event) {
        return encodeAll(partition, List.of(event)).get(0);
    }

    /** Encodes events of one partition, in order: one read-only direct slab per topic. */
    public static List<SharedFrame> encodeAll(int partition, List<Event> events) {
        byte[][] encoded = new byte[events.size()][];
        MercureUpdate[] updates = new MercureUpdate[events.size()];
        Map<Topic, ByteBuffer> slabs = new HashMap<>();
        Map<Topic, Integer> sizes = new HashMap<>();
        StringBuilder text = new StringBuilder(256);
        for (int i = 0; i < encoded.length; i++) {
            Event e = events.get(i);
            text.setLength(0);
            updates[i] = MercureUpdate.HERALD_TOPIC.equals(e.topic()) ? MercureUpdate.decode(e.data()) : null;
            if (updates[i] != null) {
                // A Mercure update carries its own ID; its subscribers read one partition, so no cursor is needed.
                SseEncoder.appendEvent(text, updates[i].sseId(e.id()), e.event(), e.retryMillis(), updates[i].data());
            } else {
                SseEncoder.appendEvent(text, Cursor.encodeOne(partition, e.id()), e.event(), e.retryMillis(), e.data());
            }
            encoded[i] = text.toString().getBytes(StandardCharsets.UTF_8);
            sizes.merge(e.topic(), encoded[i].length, Integer::sum);
        }
        sizes.forEach((topic, size) -> slabs.put(topic, ByteBuffer.allocateDirect(size)));
        List<SharedFrame> frames = new ArrayList<>(encoded.length);
        for (int i = 0; i < encoded.length; i++) {
            Event e = events.get(i);
            ByteBuffer slab = slabs.get(e.topic());
            int start = slab.position();
            slab.put(encoded[i]);
            ByteBuffer frame = slab.duplicate().position(start).limit(slab.position()).slice().asReadOnlyBuffer();
            frames.add(new SharedFrame(frame, partition, e.id(), e.topic(), e.publishedMicros(), updates[i] == null ? null : updates[i].audience()));
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

    /**
     * Who may receive the Mercure update this frame encodes (its {@code id:} is the update's), or {@code null} for
     * Herald's own events. Only the audience is kept, not the decoded data: a frame a slow stream holds costs its bytes.
     */
    public MercureUpdate.Audience mercure() {
        return mercure;
    }
}
