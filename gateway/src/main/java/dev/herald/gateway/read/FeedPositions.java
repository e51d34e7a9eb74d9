package dev.herald.gateway.read;

import dev.herald.common.event.StreamId;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * How far the tailers have read each partition's feed. Everything up to a partition's position is in its
 * topics' histories (the publish script appends both at once), which is what shared history pages rely on.
 * Written by the tailers, read by any thread.
 */
public final class FeedPositions {
    private final AtomicReferenceArray<StreamId> positions;

    public FeedPositions(int partitions) {
        positions = new AtomicReferenceArray<>(partitions);
        for (int i = 0; i < partitions; i++) {
            positions.set(i, StreamId.ZERO);
        }
    }

    public StreamId get(int partition) {
        return positions.get(partition);
    }

    void set(int partition, StreamId position) {
        positions.set(partition, position);
    }
}
