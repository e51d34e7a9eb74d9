package dev.herald.gateway.read;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.redis.EntryFields;
import dev.herald.common.redis.KeyLayout;
import dev.herald.common.topic.Topic;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads topic histories for resuming connections: pages of {@code XRANGE} with an exclusive start, and
 * the check that tells whether events after a resume point were already trimmed away.
 */
public final class HistoryReader {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final KeyLayout keys;
    private final int pageSize;

    public HistoryReader(RedisClusterAsyncCommands<String, String> redis, KeyLayout keys, int pageSize) {
        this.redis = redis;
        this.keys = keys;
        this.pageSize = pageSize;
    }

    public int pageSize() {
        return pageSize;
    }

    /** Up to {@link #pageSize()} events of {@code topic} with IDs in {@code (after, upTo]}, in order. */
    public CompletableFuture<List<Event>> page(int partition, Topic topic, StreamId after, StreamId upTo) {
        Range<String> range = Range.from(Range.Boundary.excluding(after.toString()), Range.Boundary.including(upTo.toString()));
        return redis.xrange(keys.history(partition, topic), range, Limit.from(pageSize)).toCompletableFuture()
                .thenApply(messages -> {
                    List<Event> events = new ArrayList<>(messages.size());
                    for (StreamMessage<String, String> m : messages) {
                        events.add(EntryFields.toEvent(topic, StreamId.parse(m.getId()), m.getBody()));
                    }
                    return events;
                });
    }

    /** Whether a resume point lies before trimmed history; {@code oldestRetained} is null for an empty stream. */
    public record TrimCheck(boolean eventsMayBeLost, StreamId oldestRetained) {
        static final TrimCheck NOTHING_LOST = new TrimCheck(false, null);
    }

    /**
     * Whether events of {@code topic} after {@code after} may have been trimmed from its history. History is
     * a contiguous suffix of everything ever appended (entries are only trimmed from the front, never
     * deleted), so events after {@code after} can be missing only if the stream was trimmed and its oldest
     * retained entry is later than {@code after}. Conservative: it cannot tell whether any trimmed entry
     * was actually later than {@code after}.
     */
    public CompletableFuture<TrimCheck> checkTrimmed(int partition, Topic topic, StreamId after) {
        String key = keys.history(partition, topic);
        return redis.xinfoStream(key).toCompletableFuture().handle((info, error) -> {
            if (error != null || info == null) {
                return TrimCheck.NOTHING_LOST; // no such stream: nothing was ever retained to lose
            }
            long length = 0;
            long added = 0;
            StreamId oldest = null;
            for (int i = 0; i + 1 < info.size(); i += 2) {
                Object value = info.get(i + 1);
                switch (String.valueOf(info.get(i))) {
                    case "length" -> length = ((Number) value).longValue();
                    case "entries-added" -> added = ((Number) value).longValue();
                    case "first-entry" -> oldest = value instanceof List<?> entry && !entry.isEmpty()
                            ? StreamId.parse(String.valueOf(entry.get(0))) : null;
                    default -> { }
                }
            }
            boolean trimmed = added > length;
            boolean lost = trimmed && (oldest == null || oldest.isAfter(after));
            return lost ? new TrimCheck(true, oldest) : TrimCheck.NOTHING_LOST;
        });
    }
}
