package dev.herald.bench.pub;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One keep-alive HTTP/1.1 connection: the caller writes requests, a reader thread matches the responses
 * to them in order. At most {@code maxInFlight} requests are outstanding ({@link #send} waits beyond that);
 * more than one is HTTP pipelining.
 */
public final class HttpPipe implements AutoCloseable {
    /** A request on the wire. */
    public record Sent(long sentNanos, int events, int topic, long lastSeq) {
    }

    /** Gets each response, on the pipe's reader thread; status -1 when the connection broke first. */
    public interface Handler {
        void onResponse(HttpPipe pipe, int status, Sent sent, long nowNanos, String errorBody);
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final java.util.concurrent.ConcurrentLinkedQueue<Sent> inFlight = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.Semaphore slots;
    private final Handler handler;
    private final Thread reader;
    private volatile boolean broken;

    public HttpPipe(InetSocketAddress address, int maxInFlight, Handler handler, String name) throws IOException {
        this.socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 5000);
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.slots = new java.util.concurrent.Semaphore(maxInFlight);
        this.handler = handler;
        this.reader = new Thread(this::readLoop, name + "-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public boolean isBroken() {
        return broken;
    }

    public int inFlight() {
        return inFlight.size();
    }

    /** Writes one request (waiting while {@code maxInFlight} are outstanding). */
    public void send(byte[] request, int length, Sent sent) throws IOException {
        if (broken) {
            throw new IOException("connection broken");
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        inFlight.add(sent);
        out.write(request, 0, length);
        out.flush();
    }

    /** Waits until another request may be sent without waiting (for a pipe used by one sender thread). */
    public void awaitSlot() throws IOException {
        try {
            slots.acquire();
            slots.release();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (broken) {
            throw new IOException("connection broken");
        }
    }

    /** Waits until every request sent has its response, or the timeout. */
    public boolean awaitIdle(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!inFlight.isEmpty() && !broken) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return inFlight.isEmpty();
    }

    private void readLoop() {
        try {
            while (true) {
                int status = readResponse();
                long now = System.nanoTime();
                Sent s = inFlight.poll();
                if (s == null) {
                    throw new IOException("a response to no request");
                }
                slots.release();
                handler.onResponse(this, status, s, now, lastErrorBody);
                if (closeAfter) {
                    throw new EOFException("server closed the keep-alive connection (Connection: close)");
                }
            }
        } catch (IOException e) {
            broken = true;
            long now = System.nanoTime();
            Sent s;
            boolean first = true;
            while ((s = inFlight.poll()) != null) {
                handler.onResponse(this, -1, s, now, first ? e.toString() : null);
                first = false;
            }
            slots.release(1_000_000); // wake a sender waiting for a slot: it will see the pipe broken
        } finally {
            closeQuietly();
        }
    }

    private boolean closeAfter;
    private String lastErrorBody;

    private int readResponse() throws IOException {
        String statusLine = readLine();
        while (statusLine.isEmpty()) {
            statusLine = readLine();
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        closeAfter = parts[0].equals("HTTP/1.0");
        for (String h = readLine(); !h.isEmpty(); h = readLine()) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.toLowerCase().contains("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection")) {
                closeAfter = value.equalsIgnoreCase("close");
            }
        }
        ByteArrayOutputStream body = status >= 300 ? new ByteArrayOutputStream() : null;
        if (chunked) {
            while (true) {
                String sizeLine = readLine();
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                if (size == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                skip(size, body);
                readLine();
            }
        } else if (length >= 0) {
            skip(length, body);
        } else {
            throw new IOException("a response without a length on a keep-alive connection (HTTP " + status + ")");
        }
        lastErrorBody = body == null ? null : body.toString(StandardCharsets.UTF_8);
        return status;
    }

    private void skip(long n, ByteArrayOutputStream keep) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException("connection closed in a response body");
            }
            if (keep != null && keep.size() < 2048) {
                keep.write(buf, 0, r);
            }
            n -= r;
        }
    }

    private final StringBuilder lineBuf = new StringBuilder(128);

    private String readLine() throws IOException {
        lineBuf.setLength(0);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            if (b == '\n') {
                int len = lineBuf.length();
                if (len > 0 && lineBuf.charAt(len - 1) == '\r') {
                    lineBuf.setLength(len - 1);
                }
                return lineBuf.toString();
            }
            lineBuf.append((char) b);
        }
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        broken = true;
        closeQuietly();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
