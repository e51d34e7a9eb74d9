package dev.herald.bench.jmh;

import dev.herald.bench.sse.SseStreamParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The load generator's own cost per received event: {@link SseStreamParser} over Herald-style frames
 * ({@code id:} + {@code data:} with the benchmark payload) plus parsing the payload, as a selector thread
 * does for each read. Tells how many deliveries a second one generator thread can take.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@OperationsPerInvocation(ParserBenchmark.EVENTS)
public class ParserBenchmark {
    static final int EVENTS = 100;

    @Param({"64", "1024"})
    public int size;

    private byte[] block;
    private SseStreamParser parser;
    private long sum;

    @Setup
    public void setup() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < EVENTS; i++) {
            String head = i + " 1732700000000000 ";
            sb.append("id: 3:1732700000000-").append(i).append("\ndata: ").append(head)
                    .append("x".repeat(Math.max(1, size - head.length()))).append("\n\n");
        }
        block = sb.toString().getBytes(StandardCharsets.US_ASCII);
        long[] tmp = new long[1];
        parser = new SseStreamParser(new SseStreamParser.Listener() {
            @Override
            public void onResponse(SseStreamParser p, int status) {
            }

            @Override
            public void onEvent(SseStreamParser p) {
                sum += SseStreamParser.parsePayload(p.data(), p.dataLength(), tmp) + tmp[0];
            }
        });
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        parser.feed(head, 0, head.length);
    }

    /** One read's worth of 100 events (per event: divide is done by JMH). */
    @Benchmark
    public long parse() {
        parser.feed(block, 0, block.length);
        return sum;
    }
}
