package dev.herald.gateway.dispatch;

import dev.herald.common.event.StreamId;
import java.util.List;

/**
 * One run of a partition's feed, encoded once and posted, as the same immutable object, to every IO loop.
 * {@code watermark} is the ID of the last entry the run covers: once a loop has taken the batch, every event
 * of the partition up to it has been offered to that loop's connections, so a stream registering there
 * afterwards replays history up to the watermark and takes live frames after it.
 *
 *
 * <p>A batch that is not {@code continuous} follows a gap: the feed was trimmed past the tailer's position,
 * so events before it may never have been offered live. Every stream of the partition on the loop then goes
 * back to replay from its own position through history up to the watermark; only what history no longer
 * holds becomes a {@code herald.reset} notice.
 *
 * @param frames               the run's events, in feed order
 * @param bytes                the frames' size, for the bound on what waits for an IO loop
 * @param newestPublishedMicros publish time (Redis clock, µs) of the run's last event, 0 for none: the
 *                             loop's delivery lag is measured from it
 */
public record LiveBatch(int partition, List<SharedFrame> frames, StreamId watermark, long bytes, long newestPublishedMicros,
                        boolean continuous) {
    public LiveBatch {
        frames = List.copyOf(frames);
    }

    /** No events: only tells the loops where the partition's feed stands. */
    static LiveBatch position(int partition, StreamId watermark) {
        return new LiveBatch(partition, List.of(), watermark, 0, 0, true);
    }

    static LiveBatch of(int partition, List<SharedFrame> frames, StreamId watermark, boolean continuous) {
        long bytes = 0;
        for (SharedFrame f : frames) {
            bytes += f.size();
        }
        long newest = frames.isEmpty() ? 0 : frames.get(frames.size() - 1).publishedMicros();
        return new LiveBatch(partition, frames, watermark, bytes, newest, continuous);
    }
}
