package dev.herald.gateway.testing;

import dev.herald.testing.SseParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A minimal HTTP/1.1 SSE client on a plain socket, so tests control what a real client controls: the
 * receive buffer, whether it reads at all, and when it disconnects. What arrives is parsed by the
 * spec-conforming {@link SseParser}.
 */
public final class SseClient implements AutoCloseable {
    private final Socket socket;
    private final SseParser parser = new SseParser();
    private final List<SseParser.Event> events = new ArrayList<>();
    private int status;
    private String headerBlock;
    private byte[] errorBody;
    private volatile boolean ended;
    private volatile boolean paused;
    private Thread reader;

    private SseClient(Socket socket) {
        this.socket = socket;
    }

    /** Connects and reads the whole stream in the background. */
    public static SseClient open(int port, String pathAndQuery, Map<String, String> headers) throws IOException {
        SseClient c = connect(port, pathAndQuery, headers, 0);
        c.readHead();
        c.startReading();
        return c;
    }

    /** Connects with a small receive buffer and reads until {@link #pause()}d: a client that can turn slow. */
    public static SseClient slow(int port, String pathAndQuery, Map<String, String> headers, int receiveBufferBytes) throws IOException {
        SseClient c = connect(port, pathAndQuery, headers, receiveBufferBytes);
        c.readHead();
        c.startReading();
        return c;
    }

    /** Stops reading from the socket (the kernel buffers fill up, then the server sees it stall). */
    public void pause() {
        paused = true;
    }

    /** Reads again, first whatever the kernel buffered. */
    public void unpause() {
        paused = false;
    }

    /** Connects with a small receive buffer and never reads a byte: a stalled client. */
    public static SseClient stalled(int port, String pathAndQuery, int receiveBufferBytes) throws IOException {
        return connect(port, pathAndQuery, Map.of(), receiveBufferBytes);
    }

    private static SseClient connect(int port, String pathAndQuery, Map<String, String> headers, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        StringBuilder req = new StringBuilder("GET ").append(pathAndQuery).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        OutputStream out = s.getOutputStream();
        out.write(req.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new SseClient(s);
    }

    private void readHead() throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        headerBlock = head.toString(StandardCharsets.ISO_8859_1);
        status = Integer.parseInt(headerBlock.split(" ", 3)[1]);
        socket.setSoTimeout(0);
        if (status != 200) {
            String length = header("content-length");
            errorBody = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
        }
    }

    private void startReading() {
        if (status != 200) {
            ended = true;
            return;
        }
        // A body with a length (a refusal's lone retry hint) ends there, as EventSource sees it, even if a
        // proxy keeps the connection open; a stream's body is close-delimited.
        String length = header("content-length");
        long[] left = {length == null ? Long.MAX_VALUE : Long.parseLong(length)};
        reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                InputStream in = socket.getInputStream();
                int n;
                while (left[0] > 0) {
                    while (paused) {
                        Thread.sleep(5);
                    }
                    n = in.read(buf, 0, (int) Math.min(buf.length, left[0]));
                    if (n < 0) {
                        break;
                    }
                    left[0] -= n;
                    List<SseParser.Event> got = parser.feed(buf, 0, n);
                    synchronized (events) {
                        events.addAll(got);
                    }
                }
            } catch (IOException e) {
                // connection reset or closed by us: the stream ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ended = true;
            }
        }, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    public int status() {
        return status;
    }

    /** A response header, by case-insensitive name. */
    public String header(String name) {
        for (String line : headerBlock.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    public String errorBody() {
        return errorBody == null ? null : new String(errorBody, StandardCharsets.UTF_8);
    }

    public List<SseParser.Event> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    /** Event data in arrival order, for the given event type ("message" for the default). */
    public List<String> data(String type) {
        return events().stream().filter(e -> e.type().equals(type)).map(SseParser.Event::data).toList();
    }

    public List<String> data() {
        return data("message");
    }

    public String lastEventId() {
        List<SseParser.Event> all = events();
        return all.isEmpty() ? null : all.get(all.size() - 1).lastEventId();
    }

    /** The last {@code retry:} the server sent, or null. */
    public Long reconnectionTime() {
        return parser.reconnectionTime();
    }

    public List<String> comments() {
        return parser.comments();
    }

    /** True once the server closed the stream (or it failed). */
    public boolean ended() {
        return ended;
    }

    public SseClient awaitData(int count, Duration timeout) {
        Awaitility.await().atMost(timeout.toMillis(), TimeUnit.MILLISECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> data().size() >= count);
        return this;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
