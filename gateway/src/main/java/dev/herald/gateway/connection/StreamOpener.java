package dev.herald.gateway.connection;

import dev.herald.common.event.Cursor;
import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Partitioner;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.metrics.GatewayMetrics;
import dev.herald.gateway.read.HistoryPages;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xnio.XnioIoThread;

/** Turns an accepted stream request into a running {@link SseConnection} on the exchange's IO thread. */
public final class StreamOpener {
    private final Partitioner partitioner;
    private final HistoryPages history;
    private final ConnectionLimits limits;
    private final GatewayMetrics metrics;
    private final IoLoops loops;

    public StreamOpener(Partitioner partitioner, HistoryPages history, ConnectionLimits limits,
                        GatewayMetrics metrics, IoLoops loops) {
        this.partitioner = partitioner;
        this.history = history;
        this.limits = limits;
        this.metrics = metrics;
        this.loops = loops;
    }

    /**
     * Where live delivery of {@code partition} stands on {@code thread}'s loop: a stream opened in the same
     * task from this position starts live with nothing replayed. Call on {@code thread}.
     */
    public StreamId liveWatermark(XnioIoThread thread, int partition) {
        return loops.of(thread).watermark(partition);
    }

    /**
     * Starts streaming {@code topics} on {@code exchange}, whose response headers are set. {@code opening} is
     * written first (it flushes the headers); {@code resumeFrom} is the client's cursor or null.
     * Must be called on the exchange's IO thread.
     */
    public void open(HttpServerExchange exchange, Collection<Topic> topics, Cursor resumeFrom, String opening, Admission admission) {
        open(exchange, topics, resumeFrom, opening, admission, FrameFilter.ALL);
    }

    /** As above, sending only the event frames {@code filter} accepts. */
    public void open(HttpServerExchange exchange, Collection<Topic> topics, Cursor resumeFrom, String opening, Admission admission,
                     FrameFilter filter) {
        Map<Integer, List<Topic>> byPartition = new TreeMap<>();
        for (Topic t : topics) {
            byPartition.computeIfAbsent(partitioner.partitionOf(t), p -> new ArrayList<>()).add(t);
        }
        Map<Integer, PartitionState> states = new TreeMap<>();
        byPartition.forEach((p, list) -> states.put(p, new PartitionState(p, list)));
        SseConnection connection = new SseConnection(exchange, exchange.getResponseChannel(), loops.of(exchange.getIoThread()),
                history, limits, metrics, states, admission, filter);
        connection.open(opening, resumeFrom);
    }
}
