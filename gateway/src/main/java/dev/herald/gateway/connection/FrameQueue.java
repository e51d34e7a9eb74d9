package dev.herald.gateway.connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.Arrays;

/**
 * The bytes waiting to be written to one connection: a ring of buffer views (of shared frames) with a
 * running byte count, drained by gathering writes. Each entry remembers its frame's publish time so the
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

    private ByteBuffer[] buffers = new ByteBuffer[16];
    private long[] publishedMicros = new long[16];
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

    void add(ByteBuffer view, long publishedMicros) {
        if (size == buffers.length) {
            grow();
        }
        int tail = (head + size) & (buffers.length - 1);
        buffers[tail] = view;
        this.publishedMicros[tail] = publishedMicros;
        size++;
        pendingBytes += view.remaining();
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
            long written = channel.write(buffers, head, run);
            if (written <= 0) {
                return false;
            }
            pendingBytes -= written;
            writtenBytes += written;
            while (size > 0 && !buffers[head].hasRemaining()) {
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
        long[] m = new long[n * 2];
        for (int i = 0; i < size; i++) {
            b[i] = buffers[(head + i) & (n - 1)];
            m[i] = publishedMicros[(head + i) & (n - 1)];
        }
        buffers = b;
        publishedMicros = m;
        head = 0;
    }
}
