package dev.herald.gateway.dispatch;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Routes events read from partition feeds to the local subscribers of their topics. Each partition
 * remembers the last event it dispatched; registering a subscriber returns that ID under the same lock
 * the dispatch holds, so the subscriber knows exactly which events it will receive live (those after it)
 * and which it must replay from history (up to it).
 */
public final class Dispatcher {
    private final Partition[] partitions;

    public Dispatcher(int partitionCount) {
        partitions = new Partition[partitionCount];
        for (int i = 0; i < partitionCount; i++) {
            partitions[i] = new Partition();
        }
    }

    private static final class Partition {
        final Map<Topic, Set<Subscriber>> subscribers = new HashMap<>();
        StreamId lastDispatched = StreamId.ZERO;
    }

    /** Sets where a partition's feed starts, before anything is dispatched from it. */
    public void startAt(int partition, StreamId position) {
        Partition p = partitions[partition];
        synchronized (p) {
            if (position.isAfter(p.lastDispatched)) {
                p.lastDispatched = position;
            }
        }
    }

    /**
     * Subscribes to {@code topics} (all of {@code partition}) and returns the ID of the last event already
     * dispatched from the partition: every later event of these topics will be offered to the subscriber.
     */
    public StreamId register(Subscriber subscriber, int partition, Collection<Topic> topics) {
        Partition p = partitions[partition];
        synchronized (p) {
            for (Topic t : topics) {
                p.subscribers.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(subscriber);
            }
            return p.lastDispatched;
        }
    }

    public void unregister(Subscriber subscriber, int partition, Collection<Topic> topics) {
        Partition p = partitions[partition];
        synchronized (p) {
            for (Topic t : topics) {
                Set<Subscriber> set = p.subscribers.get(t);
                if (set != null && set.remove(subscriber) && set.isEmpty()) {
                    p.subscribers.remove(t);
                }
            }
        }
    }

    /** The ID of the last event dispatched from {@code partition}. */
    public StreamId lastDispatched(int partition) {
        Partition p = partitions[partition];
        synchronized (p) {
            return p.lastDispatched;
        }
    }

    /**
     * Dispatches a partition's events, in feed order. Each event with local subscribers is encoded once;
     * the frames go to each IO thread as one task.
     */
    public void dispatch(int partition, List<Event> events) {
        Map<Executor, LiveBatch> batches = new IdentityHashMap<>();
        Partition p = partitions[partition];
        synchronized (p) {
            List<Event> wanted = new ArrayList<>(events.size());
            List<Set<Subscriber>> receivers = new ArrayList<>(events.size());
            for (Event event : events) {
                if (!event.id().isAfter(p.lastDispatched)) {
                    continue;
                }
                Set<Subscriber> subscribers = p.subscribers.get(event.topic());
                if (subscribers != null) {
                    wanted.add(event);
                    receivers.add(subscribers);
                }
                p.lastDispatched = event.id();
            }
            List<SharedFrame> frames = SharedFrame.encodeAll(partition, wanted);
            for (int i = 0; i < frames.size(); i++) {
                for (Subscriber s : receivers.get(i)) {
                    batches.computeIfAbsent(s.ioThread(), k -> new LiveBatch()).add(s, frames.get(i));
                }
            }
        }
        batches.forEach(Executor::execute);
    }
}
