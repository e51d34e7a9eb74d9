package dev.herald.bench.jmh;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.sse.SseEncoder;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.dispatch.SharedFrame;
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

/**
 * The cost of encoding one event into its shared SSE frame: {@link SseEncoder#appendEvent} alone, and the
 * gateway's whole {@link SharedFrame#encode} (text, UTF-8 bytes, read-only direct buffer), which runs
 * once per event per gateway whatever the number of subscribers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseEncodeBenchmark {
    @Param({"64", "1024"})
    public int size;

    @Param({"false", "true"})
    public boolean multiline;

    private Event event;
    private String frameId;

    @Setup
    public void setup() {
        StringBuilder data = new StringBuilder();
        while (data.length() < size) {
            data.append(multiline && data.length() % 64 == 63 ? '\n' : 'x');
        }
        event = new Event(Topic.of("bench"), new StreamId(1_732_700_000_000L, 7), null, data.toString(), -1, 1_732_700_000_000_000L);
        frameId = "3:" + event.id();
    }

    @Benchmark
    public StringBuilder appendEvent() {
        return SseEncoder.appendEvent(new StringBuilder(64 + size), frameId, null, -1, event.data());
    }

    @Benchmark
    public SharedFrame sharedFrameEncode() {
        return SharedFrame.encode(3, event, 2); // two IO threads
    }
}
