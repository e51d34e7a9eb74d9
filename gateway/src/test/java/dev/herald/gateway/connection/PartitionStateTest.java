package dev.herald.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import dev.herald.gateway.dispatch.SharedFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The replay-to-live handoff of one partition, driven step by step. */
class PartitionStateTest {
    private static final Topic T = Topic.of("t");

    private static StreamId id(long ms) {
        return new StreamId(ms, 0);
    }

    private static SharedFrame frame(long ms) {
        return SharedFrame.encode(0, new Event(T, id(ms), null, "e" + ms, -1, 0), 1);
    }

    /** What a connection sends: the frames that pass the position rule, in the order offered. */
    private static List<Long> send(PartitionState p, List<SharedFrame> frames, List<Long> sent) {
        for (SharedFrame f : frames) {
            if (p.advanceIfAfter(f.id())) {
                sent.add(f.id().ms());
            }
        }
        return sent;
    }

    @Test
    void aLiveStreamSendsOnlyFramesAfterItsPositionAndNeverGoesBack() {
        PartitionState p = new PartitionState(0, List.of(T));
        p.goLive(id(5));
        assertThat(p.holdIfReplaying(frame(6), 1 << 20)).isFalse();
        assertThat(send(p, List.of(frame(4), frame(5), frame(6), frame(6), frame(3), frame(7)), new ArrayList<>()))
                .containsExactly(6L, 7L);
        assertThat(p.position()).isEqualTo(id(7));
    }

    @Test
    void liveFramesAreHeldDuringReplayAndOnlyTheNewOnesAreSentAtTheHandoff() {
        PartitionState p = new PartitionState(0, List.of(T));
        p.startReplay(id(0), null);
        assertThat(p.replaying()).isTrue();
        // Live frames 9..12 arrive while history (0, 10] is replayed: 9 and 10 overlap with the replay.
        for (long ms = 9; ms <= 12; ms++) {
            assertThat(p.holdIfReplaying(frame(ms), 1 << 20)).isTrue();
        }
        List<Long> sent = send(p, List.of(frame(1), frame(5), frame(9), frame(10)), new ArrayList<>());
        p.skipTo(id(10)); // the replay reached its end
        assertThat(p.takeHeldOverflow()).isFalse();
        List<SharedFrame> held = p.finishReplay();
        assertThat(held).extracting(f -> f.id().ms()).containsExactly(9L, 10L, 11L, 12L);
        send(p, held, sent);
        assertThat(sent).containsExactly(1L, 5L, 9L, 10L, 11L, 12L);
        assertThat(p.replaying()).isFalse();
        assertThat(p.holdIfReplaying(frame(13), 1 << 20)).isFalse();
    }

    @Test
    void heldFramesPastTheBudgetAreAllDroppedAndTheOverflowIsReportedOnce() {
        PartitionState p = new PartitionState(0, List.of(T));
        p.startReplay(id(0), null);
        int size = frame(1).size();
        p.holdIfReplaying(frame(1), 2L * size);
        p.holdIfReplaying(frame(2), 2L * size);
        p.holdIfReplaying(frame(3), 2L * size); // over: 1 and 2 are dropped, 3 is kept
        assertThat(p.takeHeldOverflow()).isTrue();
        assertThat(p.takeHeldOverflow()).isFalse();
        assertThat(p.finishReplay()).extracting(f -> f.id().ms()).containsExactly(3L);
    }

    @Test
    void aLiveGapSendsALiveStreamBackToReplayFromItsPositionAndNothingIsSentTwiceOrSkipped() {
        PartitionState p = new PartitionState(0, List.of(T));
        p.goLive(id(0));
        List<Long> sent = send(p, List.of(frame(1), frame(2)), new ArrayList<>());
        // The feed was trimmed past the tailer: the next live run starts at 9, watermark 10. The stream
        // replays (2, 10] from history and holds the run.
        p.startReplay(p.position(), null);
        p.holdIfReplaying(frame(9), 1 << 20);
        p.holdIfReplaying(frame(10), 1 << 20);
        send(p, List.of(frame(3), frame(5), frame(8), frame(9), frame(10)), sent);
        p.skipTo(id(10));
        assertThat(p.takeHeldOverflow()).isFalse();
        send(p, p.finishReplay(), sent);
        assertThat(sent).containsExactly(1L, 2L, 3L, 5L, 8L, 9L, 10L);
    }

    @Test
    void aLiveGapDuringAReplayDropsTheHeldFramesSoTheReplayReadsOnInsteadOfHandingOverAcrossTheGap() {
        PartitionState p = new PartitionState(0, List.of(T));
        p.startReplay(id(0), null);
        p.holdIfReplaying(frame(5), 1 << 20);
        p.dropHeld(); // a gap after 5: frames 6..8 never came live
        p.holdIfReplaying(frame(9), 1 << 20);
        List<Long> sent = send(p, List.of(frame(1), frame(4)), new ArrayList<>());
        p.skipTo(id(4));
        assertThat(p.takeHeldOverflow()).isTrue();
        send(p, List.of(frame(5), frame(7), frame(9)), sent);
        p.skipTo(id(9));
        send(p, p.finishReplay(), sent);
        assertThat(sent).containsExactly(1L, 4L, 5L, 7L, 9L);
    }

    @Test
    void afterAnOverflowTheReplayReadsOnAndTheHandoffStillSendsEverythingOnceInOrder() {
        PartitionState p = new PartitionState(0, List.of(T));
        p.startReplay(id(0), null);
        long budget = 3L * frame(1).size();
        List<Long> sent = new ArrayList<>();
        // Replay (0, 4] while live 5..12 arrive: the holds overflow (5..10 dropped, 11 and 12 kept).
        send(p, List.of(frame(1), frame(2), frame(3), frame(4)), sent);
        for (long ms = 5; ms <= 12; ms++) {
            p.holdIfReplaying(frame(ms), budget);
        }
        p.skipTo(id(4));
        assertThat(p.takeHeldOverflow()).isTrue();
        // The replay reads on to the loop's new watermark (12) from history, then hands over.
        send(p, List.of(frame(5), frame(6), frame(7), frame(8), frame(9), frame(10), frame(11), frame(12)), sent);
        p.skipTo(id(12));
        assertThat(p.takeHeldOverflow()).isFalse();
        send(p, p.finishReplay(), sent);
        assertThat(sent).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
    }

    @Test
    void anyInterleavingOfReplayAndLiveFramesSendsTheSequenceExactlyOnce() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            int events = 1 + random.nextInt(60);
            long upTo = random.nextInt(events + 1); // the loop's watermark at registration
            long from = random.nextInt((int) upTo + 1); // the client's cursor
            long budget = (1 + random.nextInt(8)) * (long) frame(1).size();
            PartitionState p = new PartitionState(0, List.of(T));
            p.startReplay(id(from), null);
            List<Long> sent = new ArrayList<>();
            long replayNext = from + 1;
            long liveNext = upTo + 1;
            long rangeEnd = upTo;
            while (p.replaying()) {
                boolean liveTurn = liveNext <= events && random.nextBoolean();
                if (liveTurn) {
                    p.holdIfReplaying(frame(liveNext++), budget);
                } else if (replayNext <= rangeEnd) {
                    send(p, List.of(frame(replayNext++)), sent);
                } else {
                    p.skipTo(id(rangeEnd));
                    if (p.takeHeldOverflow()) {
                        rangeEnd = liveNext - 1; // read on to what the loop has delivered since
                    } else {
                        send(p, p.finishReplay(), sent);
                    }
                }
            }
            while (liveNext <= events) {
                assertThat(p.holdIfReplaying(frame(liveNext), budget)).isFalse();
                send(p, List.of(frame(liveNext++)), sent);
            }
            List<Long> expected = new ArrayList<>();
            for (long ms = from + 1; ms <= events; ms++) {
                expected.add(ms);
            }
            assertThat(sent).as("round %d: %d events, cursor %d, watermark %d", round, events, from, upTo).isEqualTo(expected);
        }
    }
}
