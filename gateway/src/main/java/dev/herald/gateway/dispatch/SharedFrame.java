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
 * every receiving connection shares. A connection that reads several partitions writes its other partitions'
 * positions first and then the frame from {@link #ID_VALUE}, so the frame stays shared.
 *
 * <p>Each IO thread writes the frame through its own {@link #viewFor view}, made once, whose position and
 * limit a connection sets just before each write: queueing a frame to a connection allocates nothing, where
 * a view per delivery was the gateway's main source of garbage (tens of MB/s at the incident's load, and the
 * collections it caused were its latency tail). Slot {@code i} is made and used only by IO thread {@code i}.
 *
 * <p>Frames live in read-only direct memory, so a socket write hands them to the kernel without the copy
 * the JDK makes of heap buffers. Direct buffers are costly to allocate and are freed only by the garbage
 * collector, so the frames of one topic in one run share one slab; a slow client on a rare topic keeps
 * only its own topic's frames alive, never a slab of other topics' events.
 */
public final class SharedFrame {
    /** Where the value of the frame's {@code id:} field starts. */
    public static final int ID_VALUE = "id: ".length();

    private final ByteBuffer bytes;
    private final ByteBuffer[] views;
    private final int partition;
    private final StreamId id;
    private final Topic topic;
    private final long publishedMicros;
    private final MercureUpdate.Audience mercure;

    private SharedFrame(ByteBuffer bytes, int viewSlots, int partition, StreamId id, Topic topic, long publishedMicros,
                        MercureUpdate.Audience mercure) {
        this.bytes = bytes;
        this.views = new ByteBuffer[viewSlots];
        this.partition = partition;
        this.id = id;
        this.topic = topic;
        this.publishedMicros = publishedMicros;
        this.mercure = mercure;
    }

    public static SharedFrame encode(int partition, Event event, int viewSlots) {
        return encodeAll(partition, List.of(event), viewSlots).get(0);
    }

    /**
     * Encodes events of one partition, in order: one read-only direct slab per topic. {@code viewSlots} is
     * the number of IO threads that may write the frames.
     */
    public static List<SharedFrame> encodeAll(int partition, List<Event> events, int viewSlots) {
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
            frames.add(new SharedFrame(frame, viewSlots, partition, e.id(), e.topic(), e.publishedMicros(),
                    updates[i] == null ? null : updates[i].audience()));
        }
        return frames;
    }

    /**
     * IO thread {@code slot}'s view of the frame, at whatever position its last write left: the caller sets
     * position and limit before each use. Call only on that thread.
     */
    public ByteBuffer viewFor(int slot) {
        ByteBuffer view = views[slot];
        if (view == null) {
            view = bytes.duplicate();
            views[slot] = view;
        }
        return view;
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
