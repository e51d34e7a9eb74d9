package dev.herald.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceTrackingTest {
    private static SubConn conn() {
        return new SubConn(0, "t", false, null, null);
    }

    @Test
    void inOrderHasNothingMissing() {
        SubConn c = conn();
        for (long s = 5; s < 100; s++) {
            assertThat(c.track(s)).isTrue();
        }
        assertThat(c.lastSeq()).isEqualTo(99);
        assertThat(c.missingUpTo(99)).isZero();
        assertThat(c.missingUpTo(101)).isEqualTo(2); // the tail not received yet
        assertThat(c.duplicated()).isZero();
        assertThat(c.firstSeq()).isEqualTo(5);
    }

    @Test
    void reorderingIsNeitherLossNorDuplicate() {
        SubConn c = conn();
        long[] order = {0, 2, 1, 3, 6, 4, 5, 7};
        for (long s : order) {
            assertThat(c.track(s)).isTrue();
        }
        assertThat(c.lastSeq()).isEqualTo(7);
        assertThat(c.missingUpTo(7)).isZero();
        assertThat(c.reordered()).isEqualTo(3); // 1, 4 and 5 came after a later one
    }

    @Test
    void duplicatesAndEarlierEventsAreNotMeasured() {
        SubConn c = conn();
        assertThat(c.track(10)).isTrue();
        assertThat(c.track(9)).isFalse(); // published before this connection's first event
        assertThat(c.track(11)).isTrue();
        assertThat(c.track(10)).isFalse();
        assertThat(c.track(13)).isTrue();
        assertThat(c.track(13)).isFalse();
        assertThat(c.duplicated()).isEqualTo(2);
        assertThat(c.beforeStart()).isEqualTo(1);
        assertThat(c.missingUpTo(13)).isEqualTo(1); // 12
        assertThat(c.lastSeq()).isEqualTo(11);
    }

    @Test
    void gapsBeyondTheWindowAreLost() {
        SubConn c = conn();
        c.track(0);
        c.track(2); // 1 missing
        c.track(2 + SubConn.WINDOW + 10); // the window moves past 1, and past 3 .. 12
        assertThat(c.lost()).isEqualTo(1 + 10);
        long end = 2 + SubConn.WINDOW + 10;
        assertThat(c.missingUpTo(end)).isEqualTo(end + 1 - 3);
        // a huge jump: everything in between is lost
        SubConn d = conn();
        d.track(0);
        d.track(100_000);
        assertThat(d.missingUpTo(100_000)).isEqualTo(99_999);
    }
}
