package dev.herald.gateway.connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.Arrays;

/**
 * The bytes waiting to be written to one connection: a ring of (buffer, from, to) ranges with a running
 * byte count, drained by gathering writes. A buffer may be the IO thread's view of a shared frame, which
 * other connections on the thread write too: so the queue keeps each range's progress itself and sets the
 * buffer's position and limit just before each write. Each entry remembers its frame's publish time so the
 * delivery latency can be measured when its last byte is accepted by the socket. Used only on the
 * connection's IO thread.
 */
final class FrameQueue {
    /** Most buffers handed to one gathering write; Linux accepts up to 1024 iovecs. */
    static final int MAX_GATHER = 128;

    interface Delivered {
        /** Called for each entry whose last byte was written; {@code publishedMicros} is 0 for non-events. */
        void delivered(long publishedMicros);
    }

    /**
     * Entries a new queue has room for, a power of two (the ring masks with it): most streams never hold more
     * than a few frames, and with 10,000 of them every entry of room costs 200 KB; a busy one doubles its ring.
     */
    private static final int INITIAL_CAPACITY = 4;

    private ByteBuffer[] buffers = new ByteBuffer[INITIAL_CAPACITY];
    private int[] positions = new int[INITIAL_CAPACITY];
    private int[] limits = new int[INITIAL_CAPACITY];
    private long[] publishedMicros = new long[INITIAL_CAPACITY];
    private int head;
    private int size;
    private long pendingBytes;
    private long peakPendingBytes;
    private long writtenBytes;

    long pendingBytes() {
        return pendingBytes;
    }

    /** The most bytes that have been queued at once, over the queue's life. */
    long peakPendingBytes() {
        return peakPendingBytes;
    }

    /** Bytes written so far, over the queue's life. */
    long writtenBytes() {
        return writtenBytes;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Queues a buffer this queue alone writes, from its position to its limit. */
    void add(ByteBuffer owned, long publishedMicros) {
        add(owned, owned.position(), owned.limit(), publishedMicros);
    }

    /** Queues bytes {@code from} to {@code to} of a buffer whose position and limit other writers may move. */
    void add(ByteBuffer view, int from, int to, long publishedMicros) {
        if (size == buffers.length) {
            grow();
        }
        int tail = (head + size) & (buffers.length - 1);
        buffers[tail] = view;
        positions[tail] = from;
        limits[tail] = to;
        this.publishedMicros[tail] = publishedMicros;
        size++;
        pendingBytes += to - from;
        if (pendingBytes > peakPendingBytes) {
            peakPendingBytes = pendingBytes;
        }
    }

    /**
     * Writes as much as the channel accepts, in gathering writes of up to {@link #MAX_GATHER} buffers.
     * Returns true if the queue is now empty, false if the channel stopped accepting bytes.
     */
    boolean writeTo(GatheringByteChannel channel, Delivered delivered) throws IOException {
        while (size > 0) {
            int run = Math.min(Math.min(size, buffers.length - head), MAX_GATHER);
            for (int i = head; i < head + run; i++) {
                buffers[i].limit(limits[i]).position(positions[i]);
            }
            long written = channel.write(buffers, head, run);
            if (written <= 0) {
                return false;
            }
            pendingBytes -= written;
            writtenBytes += written;
            // Only this write's entries: a view outside it may sit wherever another connection left it.
            for (; run > 0; run--) {
                int at = buffers[head].position();
                if (at < limits[head]) {
                    positions[head] = at; // the rest of this range is written next time
                    break;
                }
                delivered.delivered(publishedMicros[head]);
                buffers[head] = null;
                head = (head + 1) & (buffers.length - 1);
                size--;
            }
        }
        return true;
    }

    /** Drops everything queued, releasing the views at once. */
    void clear() {
        Arrays.fill(buffers, null);
        head = 0;
        size = 0;
        pendingBytes = 0;
    }

    private void grow() {
        int n = buffers.length;
        ByteBuffer[] b = new ByteBuffer[n * 2];
        int[] from = new int[n * 2];
        int[] to = new int[n * 2];
        long[] m = new long[n * 2];
        for (int i = 0; i < size; i++) {
            int at = (head + i) & (n - 1);
            b[i] = buffers[at];
            from[i] = positions[at];
            to[i] = limits[at];
            m[i] = publishedMicros[at];
        }
        buffers = b;
        positions = from;
        limits = to;
        publishedMicros = m;
        head = 0;
    }
}
