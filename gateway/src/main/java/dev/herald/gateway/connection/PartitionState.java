package dev.herald.gateway.connection;

import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.dispatch.SharedFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * The replay-to-live handoff of one connection in one partition: the ID up to which it has been sent every
 * event of its topics there, and — while it replays history — the live frames held back until the replay
 * catches up. Held frames are bounded: past the bound they are all dropped and the replay reads further
 * instead (they are all in the topic histories). Confined to the connection's IO thread.
 *
 * <p>The rule that makes the handoff exact: a frame is sent only if its ID is after the position, which
 * then moves to it ({@link #advanceIfAfter}). Replay and live frames pass the same rule, so where they
 * overlap nothing is sent twice, and since the position only moves forward, nothing is sent out of order.
 */
final class PartitionState {
    private final int partition;
    private final List<Topic> topics;
    private StreamId position;
    private boolean replaying;
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

    /** True (and the position moves to {@code id}) if {@code id} is after the position: its frame is to be sent. */
    boolean advanceIfAfter(StreamId id) {
        if (!id.isAfter(position)) {
            return false; // already sent (replay and live overlap at the handoff)
        }
        position = id;
        return true;
    }

    /** Moves the position to {@code id} if it is later: everything up to it counts as sent (or reset). */
    void skipTo(StreamId id) {
        if (id.isAfter(position)) {
            position = id;
        }
    }

    boolean replaying() {
        return replaying;
    }

    /** The replay in progress, or null (always null in unit tests of the handoff, which drive it by hand). */
    PartitionReplay replay() {
        return replay;
    }

    /** Starts replaying from {@code from}; live frames are held from now until {@link #finishReplay}. */
    void startReplay(StreamId from, PartitionReplay replay) {
        this.position = from;
        this.replaying = true;
        this.replay = replay;
        this.held = new ArrayList<>();
        this.heldBytes = 0;
        this.heldOverflowed = false;
    }

    void goLive(StreamId from) {
        position = from;
    }

    /**
     * Holds a live frame while replaying and returns true; returns false when live (the frame is for the
     * caller to send). Past {@code budgetBytes} every held frame is dropped and the overflow noted.
     */
    boolean holdIfReplaying(SharedFrame frame, long budgetBytes) {
        if (!replaying) {
            return false;
        }
        if (heldBytes + frame.size() > budgetBytes) {
            held.clear();
            heldBytes = 0;
            heldOverflowed = true;
        }
        held.add(frame);
        heldBytes += frame.size();
        return true;
    }

    /**
     * Drops the held frames as an overflow would: live frames had a gap, so the replay must read on to the
     * loop's watermark instead of handing over to them.
     */
    void dropHeld() {
        held.clear();
        heldBytes = 0;
        heldOverflowed = true;
    }

    /** True once if held frames were dropped since the last call; the replay must then read further. */
    boolean takeHeldOverflow() {
        boolean overflowed = heldOverflowed;
        heldOverflowed = false;
        return overflowed;
    }

    /** Ends the replay; returns the held frames, in arrival (feed) order, to be sent if still after the position. */
    List<SharedFrame> finishReplay() {
        List<SharedFrame> frames = held;
        replaying = false;
        replay = null;
        held = null;
        heldBytes = 0;
        return frames;
    }

    void release() {
        if (replay != null) {
            replay.cancel();
        }
        replaying = false;
        replay = null;
        held = null;
    }
}
