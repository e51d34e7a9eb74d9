package dev.herald.gateway.connection;

import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.dispatch.SharedFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one connection stands in one partition: the ID up to which it has been sent every event of its
 * topics there, and — while it replays history — the live frames held back until the replay catches up.
 * Held frames are bounded: past the bound they are dropped and the replay reads further instead (they
 * are all in the topic histories).
 */
final class PartitionState {
    private final int partition;
    private final List<Topic> topics;
    private StreamId position;
    private PartitionReplay replay;
    private List<SharedFrame> held;
    private long heldBytes;
    private boolean heldOverflowed;

    PartitionState(int partition, List<Topic> topics) {
        this.partition = partition;
        this.topics = List.copyOf(topics);
    }

    int partition() {
        return partition;
    }

    List<Topic> topics() {
        return topics;
    }

    StreamId position() {
        return position;
    }

    void advanceTo(StreamId id) {
        position = id;
    }

    PartitionReplay replay() {
        return replay;
    }

    void startReplay(StreamId from, PartitionReplay replay) {
        this.position = from;
        this.replay = replay;
        this.held = new ArrayList<>();
        this.heldBytes = 0;
        this.heldOverflowed = false;
    }

    void goLive(StreamId from) {
        position = from;
    }

    /** Holds a live frame that arrived during replay, or notes the overflow that drops them all. */
    void hold(SharedFrame frame, long maxHeldBytes) {
        if (heldBytes + frame.size() > maxHeldBytes) {
            held.clear();
            heldBytes = 0;
            heldOverflowed = true;
        }
        held.add(frame);
        heldBytes += frame.size();
    }

    /** True once if held frames were dropped since the last call; the replay must then read further. */
    boolean takeHeldOverflow() {
        boolean overflowed = heldOverflowed;
        heldOverflowed = false;
        return overflowed;
    }

    /** Ends the replay; returns the held frames, in arrival (feed) order, to be sent if still new. */
    List<SharedFrame> finishReplay() {
        List<SharedFrame> frames = held;
        replay = null;
        held = null;
        heldBytes = 0;
        return frames;
    }

    void release() {
        if (replay != null) {
            replay.cancel();
        }
        replay = null;
        held = null;
    }
}
