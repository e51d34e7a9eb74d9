package dev.herald.bench.client;

import dev.herald.bench.Clock;
import dev.herald.bench.sse.SseStreamParser;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One selector thread of the subscriber pool: non-blocking connects, request writes and reads for its
 * share of the connections, with one shared read buffer (a connection's only own memory is its parser's
 * partial-line buffers). Latencies go into this thread's histograms, so recording needs no locking.
 */
public final class IoThread extends Thread {
    private static final int MAX_READS_PER_WAKEUP = 4;

    final SubscriberPool pool;
    final Selector selector;
    final long[] tmp = new long[1];
    /** Wall clock (µs) taken when the data being parsed was read. */
    long nowMicros;
    final List<SubConn> conns = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(128 * 1024);
    private final ArrayDeque<SubConn> reconnectQueue = new ArrayDeque<>();
    private final ArrayDeque<Long> reconnectDue = new ArrayDeque<>();
    private final Histogram[] windows = new Histogram[Windows.MAX];
    final Histogram catchUp = new Histogram(3);
    final SingleWriterRecorder interval = new SingleWriterRecorder(3);
    private volatile boolean running = true;

    private long events;
    long duplicated;
    private long bytes;
    volatile long eventsPublished;
    volatile long bytesPublished;

    IoThread(SubscriberPool pool, int n) throws IOException {
        super("bench-io-" + n);
        setDaemon(true);
        this.pool = pool;
        this.selector = Selector.open();
        for (int i = 0; i < windows.length; i++) {
            windows[i] = new Histogram(3);
        }
    }

    void submit(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }

    void record(long publishMicros, long now) {
        long latency = Math.max(0, now - publishMicros);
        events++;
        interval.recordValue(latency);
        int w = pool.windows.windowOf(publishMicros);
        if (w >= 0) {
            windows[w].recordValue(latency);
        }
    }

    void recordCatchUp(long micros) {
        catchUp.recordValue(Math.max(0, micros));
    }

    Histogram window(int i) {
        return windows[i];
    }

    @Override
    public void run() {
        try {
            while (running) {
                long wait = 100;
                if (!reconnectDue.isEmpty()) {
                    wait = Math.max(1, (reconnectDue.peekFirst() - System.nanoTime()) / 1_000_000);
                }
                selector.select(Math.min(wait, 100));
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    t.run();
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    SubConn c = (SubConn) k.attachment();
                    try {
                        if (!k.isValid()) {
                            continue;
                        }
                        if (k.isConnectable()) {
                            finishConnect(c);
                        } else if (k.isWritable()) {
                            writeRequest(c);
                        } else if (k.isReadable()) {
                            read(c);
                        }
                    } catch (CancelledKeyException e) {
                        // closed meanwhile
                    }
                }
                long now = System.nanoTime();
                while (!reconnectDue.isEmpty() && reconnectDue.peekFirst() <= now) {
                    reconnectDue.pollFirst();
                    SubConn c = reconnectQueue.pollFirst();
                    if (!c.closedByClient && pool.isRunning()) {
                        c.reconnects++;
                        open(c, c.resumeId);
                    }
                }
                eventsPublished = events;
                bytesPublished = bytes;
            }
        } catch (IOException | RuntimeException e) {
            pool.note("IO thread " + getName() + " failed: " + e);
            e.printStackTrace();
        } finally {
            for (SubConn c : conns) {
                closeQuietly(c);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // exiting anyway
            }
        }
    }

    /** Starts connecting {@code c}, resuming after {@code lastEventId} if not null. Runs on this thread. */
    void open(SubConn c, String lastEventId) {
        c.parser = new SseStreamParser(c);
        c.established = false;
        c.pendingRequest = pool.target.subscribeRequest(c.server, c.topic, lastEventId);
        c.pendingOffset = 0;
        try {
            SocketChannel ch = SocketChannel.open();
            c.channel = ch;
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (c.stalled) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, pool.stalledReceiveBuffer);
            }
            if (ch.connect(c.server)) {
                c.key = ch.register(selector, 0, c);
                connected(c);
            } else {
                c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
            }
        } catch (IOException e) {
            connectFailed(c, e);
        }
    }

    private void finishConnect(SubConn c) {
        try {
            if (c.channel.finishConnect()) {
                connected(c);
            }
        } catch (IOException e) {
            connectFailed(c, e);
        }
    }

    private void connectFailed(SubConn c, IOException e) {
        c.connectFailures++;
        pool.note("connect to " + c.server + " failed: " + e);
        closeQuietly(c);
        pool.connectDone(c, false);
        scheduleReconnect(c);
    }

    private void connected(SubConn c) {
        c.key.interestOps(0);
        writeRequest(c);
    }

    private void writeRequest(SubConn c) {
        try {
            ByteBuffer b = ByteBuffer.wrap(c.pendingRequest, c.pendingOffset, c.pendingRequest.length - c.pendingOffset);
            c.channel.write(b);
            c.pendingOffset = b.position();
            if (b.hasRemaining()) {
                c.key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
            c.pendingRequest = null;
            if (c.stalled) {
                // A stalled client: connected, asked for the stream, and never reads a byte.
                c.key.interestOps(0);
                c.established = true;
                c.establishedMicros = Clock.nowMicros();
                pool.connectDone(c, true);
            } else {
                c.key.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            connectFailed(c, e);
        }
    }

    private void read(SubConn c) {
        SocketChannel ch = c.channel;
        byte[] arr = readBuffer.array();
        for (int r = 0; r < MAX_READS_PER_WAKEUP; r++) {
            readBuffer.clear();
            int n;
            try {
                n = ch.read(readBuffer);
            } catch (IOException e) {
                serverClosed(c, "read error: " + e.getMessage());
                return;
            }
            if (n < 0) {
                serverClosed(c, null);
                return;
            }
            if (n == 0) {
                return;
            }
            bytes += n;
            nowMicros = Clock.nowMicros();
            try {
                c.parser.feed(arr, 0, n);
            } catch (RuntimeException e) {
                pool.note("bad response from " + c.server + ": " + e);
                serverClosed(c, "parse error");
                return;
            }
            if (c.parser.isDone()) {
                serverClosed(c, null);
                return;
            }
            if (n < readBuffer.capacity()) {
                return;
            }
        }
    }

    private void serverClosed(SubConn c, String why) {
        if (c.status != 0 && c.status != 200) {
            // an error answer: already noted
        } else if (!c.established) {
            pool.connectDone(c, false);
        }
        c.serverCloses++;
        if (why != null) {
            pool.note("stream " + c.index + " closed: " + why);
        }
        closeQuietly(c);
        scheduleReconnect(c);
    }

    private void scheduleReconnect(SubConn c) {
        if (pool.reconnect && !c.closedByClient && pool.isRunning()) {
            reconnectQueue.addLast(c);
            reconnectDue.addLast(System.nanoTime() + pool.reconnectDelayNanos);
        }
    }

    /** Closes by the client's choice: no reconnect until {@link #open} is called again. */
    void closeByClient(SubConn c) {
        c.closedByClient = true;
        closeQuietly(c);
    }

    void closeQuietly(SubConn c) {
        if (c.parser != null) {
            String id = c.parser.lastEventId();
            if (id != null) {
                c.resumeId = id;
            }
        }
        c.established = false;
        if (c.key != null) {
            c.key.cancel();
            c.key = null;
        }
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            c.channel = null;
        }
    }
}
