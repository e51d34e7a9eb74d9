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
 * <p>Sequence check: the publisher numbers each topic's events 0, 1, 2, ... and publishes them in order
 * on one pipelined connection, so a subscriber must see them in order. The first event a connection
 * receives sets its start; after that a jump forward counts the skipped events as lost, and an event not
 * after the last one counts as a duplicate.
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
    long firstSeq = -1;
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
        if (firstSeq < 0) {
            firstSeq = seq;
        } else if (seq > lastSeq + 1) {
            lost += seq - lastSeq - 1;
        } else if (seq <= lastSeq) {
            duplicated++;
            io.duplicated++;
            return;
        }
        if (reconnectStartMicros != 0 && firstEventAfterReconnectMicros == 0) {
            firstEventAfterReconnectMicros = now;
        }
        lastSeq = seq;
        io.record(ts, now);
        if (catchUpTargetSeq >= 0 && seq >= catchUpTargetSeq && caughtUpMicros == 0) {
            caughtUpMicros = now;
        }
        if (catchUpTargetSeq >= 0 && reconnectStartMicros != 0 && seq <= catchUpTargetSeq) {
            io.recordCatchUp(now - reconnectStartMicros);
        }
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
        return firstSeq;
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
