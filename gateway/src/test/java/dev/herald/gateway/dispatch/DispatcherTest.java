package dev.herald.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class DispatcherTest {
    private static final Topic NEWS = Topic.of("news");
    private static final Topic SPORT = Topic.of("sport");

    /** Runs tasks when told, like an IO thread with a queue; counts the tasks it got. */
    static final class QueueExecutor implements Executor {
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        void runAll() {
            tasks.forEach(Runnable::run);
            tasks.clear();
        }
    }

    static final class Recorder implements Subscriber {
        final Executor thread;
        final List<SharedFrame> frames = new ArrayList<>();
        int flushes;
        boolean dirty;

        Recorder(Executor thread) {
            this.thread = thread;
        }

        @Override
        public Executor ioThread() {
            return thread;
        }

        @Override
        public boolean offer(SharedFrame frame) {
            frames.add(frame);
            boolean became = !dirty;
            dirty = true;
            return became;
        }

        @Override
        public void flush() {
            dirty = false;
            flushes++;
        }
    }

    private static Event event(Topic t, long ms, String data) {
        return new Event(t, new StreamId(ms, 0), null, data, -1, 0);
    }

    @Test
    void eachEventIsEncodedOnceAndTheSameBytesAreSharedByEverySubscriber() {
        Dispatcher d = new Dispatcher(4);
        QueueExecutor io = new QueueExecutor();
        Recorder a = new Recorder(io);
        Recorder b = new Recorder(io);
        d.register(a, 1, List.of(NEWS));
        d.register(b, 1, List.of(NEWS));
        d.dispatch(1, List.of(event(NEWS, 10, "hello")));
        io.runAll();
        assertThat(a.frames).hasSize(1);
        assertThat(b.frames).hasSize(1);
        SharedFrame frame = a.frames.get(0);
        assertThat(b.frames.get(0)).isSameAs(frame);
        ByteBuffer va = frame.view();
        ByteBuffer vb = frame.view();
        assertThat(va).isNotSameAs(vb);
        assertThat(va.isReadOnly()).isTrue();
        assertThat(va.isDirect()).isTrue();
        va.get(new byte[3]);
        assertThat(vb.position()).isZero();
        assertThat(StandardCharsets.UTF_8.decode(frame.view()).toString()).isEqualTo("id: 1:10-0\ndata: hello\n\n");
        assertThat(StandardCharsets.UTF_8.decode(frame.viewAfterIdField()).toString()).isEqualTo("1:10-0\ndata: hello\n\n");
    }

    @Test
    void aBatchIsOneTaskPerIoThreadAndFlushesEachSubscriberOnce() {
        Dispatcher d = new Dispatcher(4);
        QueueExecutor io1 = new QueueExecutor();
        QueueExecutor io2 = new QueueExecutor();
        List<Recorder> subs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Recorder r = new Recorder(i % 2 == 0 ? io1 : io2);
            subs.add(r);
            d.register(r, 2, List.of(NEWS, SPORT));
        }
        List<Event> batch = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            batch.add(event(i % 2 == 0 ? NEWS : SPORT, i, "e" + i));
        }
        d.dispatch(2, batch);
        assertThat(io1.tasks).hasSize(1);
        assertThat(io2.tasks).hasSize(1);
        io1.runAll();
        io2.runAll();
        for (Recorder r : subs) {
            assertThat(r.frames).hasSize(100);
            assertThat(r.flushes).isEqualTo(1);
            assertThat(r.frames.get(99).id()).isEqualTo(new StreamId(100, 0));
        }
    }

    @Test
    void registrationReturnsTheLastDispatchedIdSoLiveAndReplayMeetExactly() {
        Dispatcher d = new Dispatcher(2);
        QueueExecutor io = new QueueExecutor();
        d.startAt(0, new StreamId(5, 0));
        d.dispatch(0, List.of(event(NEWS, 6, "a"), event(SPORT, 7, "b")));
        Recorder late = new Recorder(io);
        assertThat(d.register(late, 0, List.of(NEWS))).isEqualTo(new StreamId(7, 0));
        d.dispatch(0, List.of(event(NEWS, 7, "dup"), event(NEWS, 8, "c")));
        io.runAll();
        assertThat(late.frames).extracting(SharedFrame::id).containsExactly(new StreamId(8, 0));
        assertThat(d.lastDispatched(0)).isEqualTo(new StreamId(8, 0));
    }

    @Test
    void unsubscribedTopicsAndUnregisteredSubscribersGetNothing() {
        Dispatcher d = new Dispatcher(1);
        QueueExecutor io = new QueueExecutor();
        Recorder r = new Recorder(io);
        d.register(r, 0, List.of(NEWS));
        d.dispatch(0, List.of(event(SPORT, 1, "x")));
        d.unregister(r, 0, List.of(NEWS));
        d.dispatch(0, List.of(event(NEWS, 2, "y")));
        io.runAll();
        assertThat(r.frames).isEmpty();
        assertThat(io.tasks).isEmpty();
    }
}
