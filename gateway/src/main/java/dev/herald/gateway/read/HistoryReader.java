package dev.herald.gateway.read;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.redis.EntryFields;
import dev.herald.common.redis.KeyLayout;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.dispatch.SharedFrame;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Redis reads for resuming connections: pages of a topic history ({@code XRANGE} from the entry a page follows)
 * encoded into shareable frames, and the stream facts that tell whether history was trimmed.
 */
public final class HistoryReader {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final KeyLayout keys;
    private final int pageSize;
    /** The IO threads that may write the frames read (pages are shared between connections). */
    private final int ioThreads;

    public HistoryReader(RedisClusterAsyncCommands<String, String> redis, KeyLayout keys, int pageSize, int ioThreads) {
        this.redis = redis;
        this.keys = keys;
        this.pageSize = pageSize;
        this.ioThreads = ioThreads;
    }

    /**
     * Up to the page size of events of {@code topic} after {@code after}, in order, each encoded once.
     * A page is {@link HistoryPage#full() full} if it holds a whole page: then its content never changes
     * (history only grows at the end), so it may be shared and cached. The read includes {@code after}
     * itself, which is dropped: finding it tells that the history was not trimmed past it
     * ({@link HistoryPage#followsStart()}), at the cost of one entry per page, not a round trip.
     */
    public CompletableFuture<HistoryPage> page(int partition, Topic topic, StreamId after) {
        Range<String> range = Range.from(Range.Boundary.including(after.toString()), Range.Boundary.unbounded());
        return redis.xrange(keys.history(partition, topic), range, Limit.from(pageSize + 1)).toCompletableFuture()
                .thenApply(messages -> {
                    boolean followsStart = !messages.isEmpty() && StreamId.parse(messages.get(0).getId()).equals(after);
                    List<Event> events = new ArrayList<>(messages.size());
                    for (StreamMessage<String, String> m : messages.subList(followsStart ? 1 : 0, messages.size())) {
                        if (events.size() == pageSize) {
                            break;
                        }
                        events.add(EntryFields.toEvent(topic, StreamId.parse(m.getId()), m.getBody()));
                    }
                    return new HistoryPage(List.copyOf(SharedFrame.encodeAll(partition, events, ioThreads)), events.size() == pageSize, followsStart);
                });
    }

    /** What {@code XINFO STREAM} says about how much of a topic's history was trimmed. */
    public record StreamFacts(boolean trimmed, StreamId oldestRetained) {
        static final StreamFacts UNTRIMMED = new StreamFacts(false, null);
    }

    /**
     * Whether a topic's history was ever trimmed, and its oldest retained entry (null when empty). Fails
     * if Redis cannot say: an outage is not "not trimmed".
     */
    public CompletableFuture<StreamFacts> facts(int partition, Topic topic) {
        return redis.xinfoStream(keys.history(partition, topic)).toCompletableFuture().handle((info, error) -> {
            if (error != null && !isNoSuchKey(error)) {
                throw new CompletionException(error);
            }
            if (info == null) {
                return StreamFacts.UNTRIMMED; // no such stream: nothing was ever retained to lose
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
            return new StreamFacts(added > length, oldest);
        });
    }

    private static boolean isNoSuchKey(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof RedisCommandExecutionException && String.valueOf(cause.getMessage()).contains("no such key");
    }
}
