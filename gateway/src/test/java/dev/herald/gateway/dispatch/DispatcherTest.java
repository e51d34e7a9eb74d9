package dev.herald.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DispatcherTest {
    private static final Topic NEWS = Topic.of("news");
    private static final Topic SPORT = Topic.of("sport");

    /** An IO loop seen from the dispatcher: keeps what is posted; its room is set by the test. */
    static final class Loop implements BatchSink {
        final List<LiveBatch> batches = new ArrayList<>();
        volatile boolean room = true;

        @Override
        public synchronized void post(LiveBatch batch) {
            batches.add(batch);
        }

        @Override
        public boolean hasRoom() {
            return room;
        }
    }

    private static Event event(Topic t, long ms, String data) {
        return new Event(t, new StreamId(ms, 0), null, data, -1, ms * 1000);
    }

    @Test
    void eachRunIsEncodedOnceIntoOneBatchThatEveryLoopShares() {
        Loop a = new Loop();
        Loop b = new Loop();
        Dispatcher d = new Dispatcher(List.of(a, b));
        d.dispatch(1, List.of(event(NEWS, 10, "hello"), event(SPORT, 11, "world")), new StreamId(11, 0), true);
        assertThat(a.batches).hasSize(1);
        assertThat(b.batches).hasSize(1);
        LiveBatch batch = a.batches.get(0);
        assertThat(b.batches.get(0)).isSameAs(batch);
        assertThat(batch.partition()).isEqualTo(1);
        assertThat(batch.watermark()).isEqualTo(new StreamId(11, 0));
        assertThat(batch.newestPublishedMicros()).isEqualTo(11_000);
        assertThat(batch.frames()).extracting(SharedFrame::topic).containsExactly(NEWS, SPORT);
        assertThat(batch.bytes()).isEqualTo(batch.frames().get(0).size() + batch.frames().get(1).size());
    }

    @Test
    void aFrameIsOneReadOnlyEncodingWithOneReusedViewPerLoop() {
        Loop a = new Loop();
        Loop b = new Loop();
        new Dispatcher(List.of(a, b)).dispatch(1, List.of(event(NEWS, 10, "hello")), new StreamId(10, 0), true);
        SharedFrame frame = a.batches.get(0).frames().get(0);
        ByteBuffer va = frame.viewFor(0);
        ByteBuffer vb = frame.viewFor(1);
        assertThat(frame.viewFor(0)).isSameAs(va);
        assertThat(va).isNotSameAs(vb);
        assertThat(va.isReadOnly()).isTrue();
        va.get(new byte[3]);
        assertThat(vb.position()).isZero();
        assertThat(StandardCharsets.UTF_8.decode(vb).toString()).isEqualTo("id: 1:10-0\ndata: hello\n\n");
        assertThat(StandardCharsets.UTF_8.decode(va.position(SharedFrame.ID_VALUE)).toString()).isEqualTo("1:10-0\ndata: hello\n\n");
    }

    @Test
    void theStartPositionReachesEveryLoopAsAnEmptyBatch() {
        Loop a = new Loop();
        Loop b = new Loop();
        Dispatcher d = new Dispatcher(List.of(a, b));
        d.startAt(3, new StreamId(5, 1));
        assertThat(a.batches).singleElement().satisfies(batch -> {
            assertThat(batch.partition()).isEqualTo(3);
            assertThat(batch.watermark()).isEqualTo(new StreamId(5, 1));
            assertThat(batch.frames()).isEmpty();
            assertThat(batch.bytes()).isZero();
        });
        assertThat(b.batches).containsExactlyElementsOf(a.batches);
    }

    @Test
    void aRunOfSkippedEntriesStillMovesTheWatermarkAndAGapIsMarkedEvenWithoutEvents() {
        Loop loop = new Loop();
        Dispatcher d = new Dispatcher(List.of(loop));
        d.dispatch(2, List.of(), new StreamId(7, 0), true);
        d.dispatch(2, List.of(), new StreamId(9, 0), false);
        d.dispatch(2, List.of(event(NEWS, 12, "x")), new StreamId(13, 0), true);
        assertThat(loop.batches).extracting(LiveBatch::watermark).containsExactly(new StreamId(7, 0), new StreamId(9, 0), new StreamId(13, 0));
        assertThat(loop.batches).extracting(LiveBatch::continuous).containsExactly(true, false, true);
        assertThat(loop.batches).extracting(LiveBatch::bytes).first().isEqualTo(0L);
    }

    @Test
    void theTailerWaitsWhileAnyLoopIsOverItsBoundAndGoesOnWhenItHasRoom() throws Exception {
        Loop fast = new Loop();
        Loop behind = new Loop();
        behind.room = false;
        Dispatcher d = new Dispatcher(List.of(fast, behind));
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> d.awaitRoom(() -> true));
        Thread.sleep(50); // the waiter must still be parked: nothing has made room
        assertThat(waited).isNotDone();
        behind.room = true;
        assertThat(waited.get(5, TimeUnit.SECONDS)).as("nanoseconds waited").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(d.awaitRoom(() -> true)).as("no wait with room").isZero();
    }

    @Test
    void aStoppedTailerStopsWaiting() throws Exception {
        Loop behind = new Loop();
        behind.room = false;
        AtomicBoolean running = new AtomicBoolean(true);
        Dispatcher d = new Dispatcher(List.of(behind));
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> d.awaitRoom(running::get));
        running.set(false);
        assertThat(waited.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
    }
}
