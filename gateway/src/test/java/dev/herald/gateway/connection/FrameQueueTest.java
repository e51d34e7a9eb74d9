package dev.herald.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameQueueTest {

    /** A channel that accepts at most {@code budget} bytes per call and records what it got. */
    static class Sink implements GatheringByteChannel {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        int budget;
        int calls;

        Sink(int budget) {
            this.budget = budget;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            calls++;
            long total = 0;
            for (int i = offset; i < offset + length && total < budget; i++) {
                ByteBuffer b = srcs[i];
                while (b.hasRemaining() && total < budget) {
                    written.write(b.get());
                    total++;
                }
            }
            return total;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[]{src});
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static ByteBuffer frame(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void queuedFramesLeaveInOneGatheringWriteWhenTheSocketTakesThemAll() throws Exception {
        FrameQueue q = new FrameQueue();
        for (int i = 0; i < 50; i++) {
            q.add(frame("f" + i + ";"), i + 1);
        }
        Sink sink = new Sink(Integer.MAX_VALUE);
        List<Long> delivered = new ArrayList<>();
        assertThat(q.writeTo(sink, delivered::add)).isTrue();
        assertThat(sink.calls).isEqualTo(1);
        assertThat(delivered).hasSize(50).startsWith(1L, 2L).endsWith(50L);
        assertThat(q.pendingBytes()).isZero();
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void partialWritesKeepByteOrderAndPendingCountAcrossRingWrapAndGrowth() throws Exception {
        FrameQueue q = new FrameQueue();
        StringBuilder expected = new StringBuilder();
        Sink sink = new Sink(7);
        List<Long> delivered = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < 40; round++) {
            for (int k = 0; k < (round % 5) * 9; k++, next++) {
                String s = "<" + next + ">";
                expected.append(s);
                q.add(frame(s), next + 1);
            }
            long before = q.pendingBytes();
            boolean drained = q.writeTo(sink, delivered::add);
            long after = q.pendingBytes();
            assertThat(before - after).isLessThanOrEqualTo(7L * sink.calls);
            assertThat(drained).isEqualTo(q.isEmpty());
            sink.budget = round % 3 == 0 ? 0 : 7 + round;
        }
        sink.budget = Integer.MAX_VALUE;
        assertThat(q.writeTo(sink, delivered::add)).isTrue();
        assertThat(sink.written.toString(StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
        assertThat(delivered).hasSize(next);
        for (int i = 0; i < next; i++) {
            assertThat(delivered.get(i)).isEqualTo(i + 1L);
        }
    }

    @Test
    void aSocketThatTakesNothingLeavesEverythingQueued() throws Exception {
        FrameQueue q = new FrameQueue();
        q.add(frame("abc"), 1);
        q.add(frame("de"), 2);
        assertThat(q.writeTo(new Sink(0), m -> { })).isFalse();
        assertThat(q.pendingBytes()).isEqualTo(5);
        assertThat(q.size()).isEqualTo(2);
    }

    @Test
    void aGatheringWriteNeverExceedsTheIovecCap() throws Exception {
        FrameQueue q = new FrameQueue();
        for (int i = 0; i < FrameQueue.MAX_GATHER * 3; i++) {
            q.add(frame("z"), 0);
        }
        int[] largest = {0};
        GatheringByteChannel sink = new Sink(Integer.MAX_VALUE) {
            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) {
                largest[0] = Math.max(largest[0], length);
                return super.write(srcs, offset, length);
            }
        };
        assertThat(q.writeTo(sink, m -> { })).isTrue();
        assertThat(largest[0]).isEqualTo(FrameQueue.MAX_GATHER);
    }

    @Test
    void queuesSharingOneViewEachWriteTheirOwnRangeThroughInterleavedPartialWrites() throws Exception {
        ByteBuffer shared = frame("id: 3:7-0\ndata: shared\n\n").asReadOnlyBuffer();
        FrameQueue whole = new FrameQueue();
        FrameQueue afterId = new FrameQueue();
        whole.add(shared, 0, shared.limit(), 1);
        afterId.add(frame("id: 1:5-0,"), 0);
        afterId.add(shared, 4, shared.limit(), 1);
        Sink a = new Sink(3);
        Sink b = new Sink(5);
        List<Long> deliveredA = new ArrayList<>();
        List<Long> deliveredB = new ArrayList<>();
        boolean doneA = false;
        boolean doneB = false;
        while (!doneA || !doneB) { // each write moves the shared view; neither queue may notice the other's
            doneA = whole.writeTo(a, deliveredA::add) && whole.isEmpty();
            doneB = afterId.writeTo(b, deliveredB::add) && afterId.isEmpty();
            a.budget = 3;
            b.budget = 5;
        }
        assertThat(a.written.toString(StandardCharsets.US_ASCII)).isEqualTo("id: 3:7-0\ndata: shared\n\n");
        assertThat(b.written.toString(StandardCharsets.US_ASCII)).isEqualTo("id: 1:5-0,3:7-0\ndata: shared\n\n");
        assertThat(deliveredA).containsExactly(1L);
        assertThat(deliveredB).containsExactly(0L, 1L);
    }

    @Test
    void aSharedViewBeyondOneGatheringWriteIsWrittenWhereverAnotherQueueLeftIt() throws Exception {
        ByteBuffer shared = frame("shared;").asReadOnlyBuffer();
        FrameQueue other = new FrameQueue();
        other.add(shared, 0, shared.limit(), 1);
        other.writeTo(new Sink(Integer.MAX_VALUE), m -> { }); // leaves the view at its limit
        FrameQueue q = new FrameQueue();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < FrameQueue.MAX_GATHER; i++) {
            q.add(frame("z"), 0);
            expected.append('z');
        }
        q.add(shared, 0, shared.limit(), 1);
        expected.append("shared;");
        Sink sink = new Sink(Integer.MAX_VALUE);
        List<Long> delivered = new ArrayList<>();
        assertThat(q.writeTo(sink, delivered::add)).isTrue();
        assertThat(sink.calls).isEqualTo(2);
        assertThat(sink.written.toString(StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
        assertThat(delivered).hasSize(FrameQueue.MAX_GATHER + 1);
    }

    @Test
    void clearReleasesEverything() {
        FrameQueue q = new FrameQueue();
        q.add(frame("abc"), 1);
        q.clear();
        assertThat(q.pendingBytes()).isZero();
        assertThat(q.isEmpty()).isTrue();
    }
}
