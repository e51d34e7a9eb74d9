package dev.herald.bench.client;

import dev.herald.bench.sse.SseStreamParser;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One SSE subscriber: its socket, parser and per-topic sequence check. Only its IO thread touches the
 * mutable state; other threads read the volatile counters for progress and the rest after the run.
 *
 * <p>Sequence check: the publisher numbers each topic's events 0, 1, 2, ... . It may publish one topic
 * on several connections at once, so events may be appended (and delivered) slightly out of order. Each
 * connection keeps a window of the last {@value #WINDOW} sequence numbers: an event seen twice is a
 * duplicate; an event still missing when the window has moved past it, or when the run ends, is lost.
 * Events numbered before the connection's first one are ignored (they were published before it joined).
 */
public final class SubConn implements SseStreamParser.Listener {
    private static final byte[] HERALD_RESET = "herald.reset".getBytes(StandardCharsets.US_ASCII);

    final int index;
    final String topic;
    final boolean stalled;
    final IoThread io;
    InetSocketAddress server;

    SocketChannel channel;
    SelectionKey key;
    SseStreamParser parser;
    byte[] pendingRequest;
    int pendingOffset;
    String resumeId;
    boolean countedConnecting;

    // Written by the IO thread only.
    volatile boolean established;
    volatile long received;
    static final int WINDOW = 4096;
    private long[] seen;
    long startSeq = -1;
    /** Lowest sequence number not yet received (everything before it was received or counted lost). */
    long expected;
    long highest = -1;
    long reordered;
    long beforeStart;
    /** expected - 1, for other threads: every event up to it has been received (or counted lost). */
    volatile long lastSeq = -1;
    long lost;
    long duplicated;
    long resets;
    int status;
    int reconnects;
    int connectFailures;
    int serverCloses;
    long establishedMicros;
    /** Resume measurement: when the last (re)connect was started, the first event after it, and catching up. */
    long reconnectStartMicros;
    long firstEventAfterReconnectMicros;
    long catchUpTargetSeq = -1;
    volatile long caughtUpMicros;
    /** Closed by the client (no reconnect). */
    volatile boolean closedByClient;

    SubConn(int index, String topic, boolean stalled, IoThread io, InetSocketAddress server) {
        this.index = index;
        this.topic = topic;
        this.stalled = stalled;
        this.io = io;
        this.server = server;
    }

    @Override
    public void onResponse(SseStreamParser p, int status) {
        this.status = status;
        if (status == 200) {
            established = true;
            establishedMicros = io.nowMicros;
            io.pool.connectDone(this, true);
        } else {
            io.pool.connectDone(this, false);
            io.pool.note("subscribe " + topic + " answered HTTP " + status);
        }
    }

    @Override
    public void onEvent(SseStreamParser p) {
        if (p.eventTypeIs(HERALD_RESET)) {
            resets++;
            return;
        }
        long[] tmp = io.tmp;
        long seq = SseStreamParser.parsePayload(p.data(), p.dataLength(), tmp);
        if (seq < 0) {
            return; // not a benchmark event
        }
        long now = io.nowMicros;
        long ts = tmp[0];
        received++;
        long dupBefore = duplicated;
        if (!track(seq)) {
            io.duplicated += duplicated - dupBefore;
            return;
        }
        if (reconnectStartMicros != 0 && firstEventAfterReconnectMicros == 0) {
            firstEventAfterReconnectMicros = now;
        }
        io.record(ts, now);
        if (catchUpTargetSeq >= 0 && lastSeq >= catchUpTargetSeq && caughtUpMicros == 0) {
            caughtUpMicros = now;
        }
        if (catchUpTargetSeq >= 0 && reconnectStartMicros != 0 && seq <= catchUpTargetSeq) {
            io.recordCatchUp(now - reconnectStartMicros);
        }
    }

    /** Notes {@code seq}; false if it is a duplicate or from before this connection's start (not to be measured). */
    boolean track(long seq) {
        if (startSeq < 0) {
            startSeq = seq;
            expected = seq;
            seen = new long[WINDOW / 64];
        }
        if (seq < startSeq) {
            beforeStart++;
            return false;
        }
        if (seq < expected || isSeen(seq)) {
            duplicated++;
            return false;
        }
        if (seq >= expected + WINDOW) {
            // The window moves past events that never came: they are lost.
            long newExpected = seq - WINDOW + 1;
            if (newExpected - expected >= WINDOW) {
                lost += newExpected - expected - countSeen();
                java.util.Arrays.fill(seen, 0);
            } else {
                for (long s = expected; s < newExpected; s++) {
                    if (isSeen(s)) {
                        setSeen(s, false);
                    } else {
                        lost++;
                    }
                }
            }
            expected = newExpected;
        }
        setSeen(seq, true);
        if (seq < highest) {
            reordered++;
        }
        highest = Math.max(highest, seq);
        while (isSeen(expected)) {
            setSeen(expected, false);
            expected++;
        }
        lastSeq = expected - 1;
        return true;
    }

    private boolean isSeen(long seq) {
        int bit = (int) (seq % WINDOW);
        return (seen[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    private void setSeen(long seq, boolean on) {
        int bit = (int) (seq % WINDOW);
        if (on) {
            seen[bit >>> 6] |= 1L << (bit & 63);
        } else {
            seen[bit >>> 6] &= ~(1L << (bit & 63));
        }
    }

    private long countSeen() {
        long n = 0;
        for (long w : seen) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /**
     * Events up to {@code last} this connection is missing now: lost ones plus those never received. Call on
     * the connection's IO thread (or after it stopped). -1 if it never received anything.
     */
    public long missingUpTo(long last) {
        if (startSeq < 0) {
            return -1;
        }
        long missing = lost;
        if (last >= expected) {
            long n = last - expected + 1;
            long have = 0;
            for (long s = expected; s <= Math.min(last, expected + WINDOW - 1); s++) {
                if (isSeen(s)) {
                    have++;
                }
            }
            missing += n - have;
        }
        return missing;
    }

    public long reordered() {
        return reordered;
    }

    public long beforeStart() {
        return beforeStart;
    }

    public int index() {
        return index;
    }

    public InetSocketAddress server() {
        return server;
    }

    public String topic() {
        return topic;
    }

    public boolean stalled() {
        return stalled;
    }

    public boolean isEstablished() {
        return established;
    }

    public long received() {
        return received;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public long firstSeq() {
        return startSeq;
    }

    public long lost() {
        return lost;
    }

    public long duplicated() {
        return duplicated;
    }

    public long resets() {
        return resets;
    }

    public int reconnects() {
        return reconnects;
    }

    public int serverCloses() {
        return serverCloses;
    }

    public int connectFailures() {
        return connectFailures;
    }

    public long establishedMicros() {
        return establishedMicros;
    }

    public long reconnectStartMicros() {
        return reconnectStartMicros;
    }

    public long firstEventAfterReconnectMicros() {
        return firstEventAfterReconnectMicros;
    }

    public long caughtUpMicros() {
        return caughtUpMicros;
    }

    /** The ID to resume from: the last one received on this or an earlier connection. */
    public String lastEventId() {
        String live = parser == null ? null : parser.lastEventId();
        return live != null ? live : resumeId;
    }
}
