package dev.herald.gateway.testing;

import dev.herald.testing.SseParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Thousands of EventSource-like clients on one selector thread: each reconnects when its stream ends,
 * with {@code Last-Event-ID}, to the next gateway in its list (as a client behind a load balancer
 * would reach a surviving gateway), and keeps all the data it received.
 */
public final class SseSwarm implements AutoCloseable {
    /** The delay before reconnecting when the server sent no {@code retry:} hint. */
    private static final long DEFAULT_RECONNECT_MILLIS = 200;

    /** One client. */
    public final class Client {
        private final String path;
        private final List<String> data = new ArrayList<>();
        private SseParser parser;
        private SocketChannel channel;
        private boolean inBody;
        private final StringBuilder head = new StringBuilder();
        private String lastEventId;
        private int portIndex;
        private int connects;
        private long reconnectAt;

        Client(String path) {
            this.path = path;
        }

        public synchronized List<String> data() {
            return new ArrayList<>(data);
        }

        /** Streams opened with status 200. */
        public synchronized int connects() {
            return connects;
        }

        public synchronized boolean isStreaming() {
            return inBody && channel != null;
        }
    }

    /** Told of every event as it arrives, on the swarm's thread. */
    public interface Arrivals {
        void arrived(String data, long receivedNanos);
    }

    private final Selector selector;
    private final int[] ports;
    private volatile Arrivals arrivals = (data, at) -> { };
    private final List<Client> clients = new ArrayList<>();
    private final PriorityQueue<Client> reconnects = new PriorityQueue<>((a, b) -> Long.compare(a.reconnectAt, b.reconnectAt));
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    private final byte[] bytes = new byte[64 * 1024];
    private final Thread thread;
    private volatile boolean running = true;

    /** Opens {@code paths.size()} clients against {@code ports[0]}; on a lost stream each moves to the next port. */
    public SseSwarm(List<String> paths, int... ports) throws IOException {
        this.selector = Selector.open();
        this.ports = ports.clone();
        for (String p : paths) {
            Client c = new Client(p);
            clients.add(c);
            reconnects.add(c);
        }
        thread = new Thread(this::loop, "sse-swarm");
        thread.setDaemon(true);
        thread.start();
    }

    /** Observes arrivals from now on (e.g. to measure latency). */
    public void onArrival(Arrivals arrivals) {
        this.arrivals = arrivals;
    }

    public List<Client> clients() {
        return clients;
    }

    public long streaming() {
        return clients.stream().filter(Client::isStreaming).count();
    }

    private void loop() {
        while (running) {
            try {
                long now = System.currentTimeMillis();
                while (!reconnects.isEmpty() && reconnects.peek().reconnectAt <= now) {
                    connect(reconnects.poll());
                }
                selector.select(20);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Client c = (Client) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            finishConnect(key, c);
                        } else if (key.isReadable()) {
                            read(c);
                        }
                    } catch (IOException e) {
                        lost(c);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void connect(Client c) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        c.channel = ch;
        c.inBody = false;
        c.head.setLength(0);
        c.parser = new SseParser();
        ch.connect(new InetSocketAddress("127.0.0.1", ports[c.portIndex % ports.length]));
        ch.register(selector, SelectionKey.OP_CONNECT, c);
    }

    private void finishConnect(SelectionKey key, Client c) throws IOException {
        c.channel.finishConnect();
        String request = "GET " + c.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                + (c.lastEventId == null ? "" : "Last-Event-ID: " + c.lastEventId + "\r\n") + "\r\n";
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            c.channel.write(out);
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    private void read(Client c) throws IOException {
        buffer.clear();
        int n = c.channel.read(buffer);
        if (n < 0) {
            lost(c);
            return;
        }
        buffer.flip();
        buffer.get(bytes, 0, n);
        int from = 0;
        if (!c.inBody) {
            for (; from < n; from++) {
                c.head.append((char) bytes[from]);
                if (c.head.length() >= 4 && c.head.substring(c.head.length() - 4).equals("\r\n\r\n")) {
                    from++;
                    if (!c.head.toString().startsWith("HTTP/1.1 200")) {
                        lost(c);
                        return;
                    }
                    c.inBody = true;
                    synchronized (c) {
                        c.connects++;
                    }
                    break;
                }
            }
        }
        if (c.inBody && from < n) {
            List<SseParser.Event> events = c.parser.feed(bytes, from, n - from);
            long now = System.nanoTime();
            synchronized (c) {
                for (SseParser.Event e : events) {
                    if (e.type().equals("message")) {
                        c.data.add(e.data());
                        arrivals.arrived(e.data(), now);
                    }
                    c.lastEventId = e.lastEventId();
                }
            }
        }
    }

    /** The stream ended or failed: try again later, on the next port if this one is gone. */
    private void lost(Client c) {
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // already closed
        }
        synchronized (c) {
            c.inBody = false;
        }
        c.portIndex++;
        // Like EventSource: wait the server's last retry hint (the server jitters it), else a default.
        Long hint = c.parser.reconnectionTime();
        c.reconnectAt = System.currentTimeMillis() + (hint != null ? hint : DEFAULT_RECONNECT_MILLIS);
        reconnects.add(c);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        thread.join(5000);
        for (SelectionKey k : selector.keys()) {
            k.channel().close();
        }
        selector.close();
    }
}
