package dev.herald.bench.jmh;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.dispatch.Dispatcher;
import dev.herald.gateway.dispatch.SharedFrame;
import dev.herald.gateway.dispatch.Subscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The gateway's dispatch path without sockets: {@link Dispatcher#dispatch} of a feed read of
 * {@code events} events to one topic with {@code subscribers} local subscribers spread over two "IO
 * threads" (executors that run the batch at once, on the caller). Each subscriber takes a view of the
 * shared frame, as a connection queues it, and is flushed once per batch. Reported per dispatch call;
 * divide by events x subscribers for the cost of one delivery.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DispatchBenchmark {
    @Param({"100", "1000", "10000"})
    public int subscribers;

    @Param({"1", "10"})
    public int events;

    private Dispatcher dispatcher;
    private List<Event> batch;
    private long nextMs = 1_732_700_000_000L;
    private Topic topic;

    /** A subscriber that keeps a view of each frame, like a connection's queue, and counts flushes. */
    static final class CountingSubscriber implements Subscriber {
        private final Executor thread;
        private final Blackhole bh;
        long flushed;

        CountingSubscriber(Executor thread, Blackhole bh) {
            this.thread = thread;
            this.bh = bh;
        }

        @Override
        public Executor ioThread() {
            return thread;
        }

        @Override
        public boolean offer(SharedFrame frame) {
            bh.consume(frame.view());
            return true;
        }

        @Override
        public void flush() {
            flushed++;
        }
    }

    @Setup
    public void setup(Blackhole bh) {
        dispatcher = new Dispatcher(16);
        topic = Topic.of("bench");
        Executor ioA = Runnable::run;
        Executor ioB = Runnable::run;
        for (int i = 0; i < subscribers; i++) {
            dispatcher.register(new CountingSubscriber(i % 2 == 0 ? ioA : ioB, bh), 3, Set.of(topic));
        }
        batch = new ArrayList<>(events);
    }

    @Benchmark
    public void dispatch() {
        batch.clear();
        for (int i = 0; i < events; i++) {
            long ms = nextMs++;
            batch.add(new Event(topic, new StreamId(ms, 0), null, "42 1732700000000000 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", -1, ms * 1000));
        }
        dispatcher.dispatch(3, batch);
    }
}
