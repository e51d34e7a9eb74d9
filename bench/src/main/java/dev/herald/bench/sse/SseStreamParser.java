package dev.herald.bench.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A push parser for one HTTP/1.1 SSE response, fed the bytes as they arrive from a non-blocking socket.
 * It reads the status line and headers, then the body, close-delimited (Herald), with a Content-Length,
 * or chunked (nginx/Nchan may use it), and splits the body into {@code text/event-stream} lines. Only
 * what the benchmark needs is kept: the {@code id}, {@code event} and {@code data} fields; comments and
 * {@code retry} are skipped. Lines end with LF or CRLF (a lone CR is not treated as a line end: neither
 * server sends one). An event is dispatched at a blank line if it had data, as the SSE spec says.
 *
 * <p>No allocation per event: lines are parsed where they lie in the input when they are complete in it,
 * and copied into a per-connection buffer only when they straddle two reads.
 */
public final class SseStreamParser {
    /** Receives the parsed pieces; called on the thread that feeds the parser. */
    public interface Listener {
        /** The status line and headers are complete. */
        void onResponse(SseStreamParser parser, int status);

        /** One event: read it through {@link #data()}, {@link #dataLength()}, {@link #lastEventId()}, {@link #eventTypeIs}. */
        void onEvent(SseStreamParser parser);
    }

    private enum State { STATUS_LINE, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, DONE }

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);

    private final Listener listener;
    private State state = State.STATUS_LINE;
    private int status;
    private boolean chunked;
    private long contentLength = -1;
    private long remaining;
    private String contentType;

    /** A body (SSE) line that straddles reads or chunks. */
    private byte[] line = new byte[128];
    private int lineLen;
    /** A status, header or chunk-size line that straddles reads: kept apart from a pending body line. */
    private byte[] ctl = new byte[128];
    private int ctlLen;
    private byte[] data = new byte[128];
    private int dataLen;
    private boolean hasData;
    private byte[] id = new byte[64];
    private int idLen;
    private boolean hasId;
    private byte[] eventType = new byte[32];
    private int eventTypeLen;
    private long bodyBytes;

    public SseStreamParser(Listener listener) {
        this.listener = listener;
    }

    public int status() {
        return status;
    }

    public boolean isChunked() {
        return chunked;
    }

    public String contentType() {
        return contentType;
    }

    /** True once a chunked or Content-Length body has ended (a close-delimited body only ends at EOF). */
    public boolean isDone() {
        return state == State.DONE;
    }

    public long bodyBytes() {
        return bodyBytes;
    }

    public byte[] data() {
        return data;
    }

    public int dataLength() {
        return dataLen;
    }

    /** The last event ID field seen (it persists across events, as in EventSource), or null. */
    public String lastEventId() {
        return hasId ? new String(id, 0, idLen, StandardCharsets.UTF_8) : null;
    }

    public boolean eventTypeIs(byte[] type) {
        return eventTypeLen == type.length && Arrays.equals(eventType, 0, eventTypeLen, type, 0, type.length);
    }

    /** Parses {@code len} bytes of {@code buf} from {@code off}. */
    public void feed(byte[] buf, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            switch (state) {
                case STATUS_LINE:
                case HEADERS:
                case CHUNK_SIZE:
                case CHUNK_DATA_END:
                case TRAILERS: {
                    int nl = indexOf(buf, i, end, (byte) '\n');
                    if (nl < 0) {
                        appendCtl(buf, i, end - i);
                        return;
                    }
                    byte[] b;
                    int s;
                    int e;
                    if (ctlLen == 0) {
                        b = buf;
                        s = i;
                        e = nl;
                    } else {
                        appendCtl(buf, i, nl - i);
                        b = ctl;
                        s = 0;
                        e = ctlLen;
                    }
                    if (e > s && b[e - 1] == '\r') {
                        e--;
                    }
                    i = nl + 1;
                    ctlLen = 0;
                    controlLine(b, s, e);
                    break;
                }
                case BODY: {
                    int take = end - i;
                    if (contentLength >= 0) {
                        take = (int) Math.min(take, remaining);
                        remaining -= take;
                    }
                    body(buf, i, take);
                    i += take;
                    if (contentLength >= 0 && remaining == 0) {
                        state = State.DONE;
                    }
                    break;
                }
                case CHUNK_DATA: {
                    int take = (int) Math.min(end - i, remaining);
                    body(buf, i, take);
                    i += take;
                    remaining -= take;
                    if (remaining == 0) {
                        state = State.CHUNK_DATA_END;
                    }
                    break;
                }
                case DONE:
                default:
                    return;
            }
        }
    }

    private void controlLine(byte[] b, int s, int e) {
        switch (state) {
            case STATUS_LINE: {
                String l = new String(b, s, e - s, StandardCharsets.ISO_8859_1);
                if (l.isEmpty()) {
                    return; // tolerate a stray CRLF
                }
                String[] parts = l.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                    throw new IllegalStateException("not an HTTP response: " + l);
                }
                status = Integer.parseInt(parts[1]);
                state = State.HEADERS;
                return;
            }
            case HEADERS: {
                if (e == s) {
                    listener.onResponse(this, status);
                    if (chunked) {
                        state = State.CHUNK_SIZE;
                    } else if (contentLength >= 0) {
                        remaining = contentLength;
                        state = contentLength == 0 ? State.DONE : State.BODY;
                    } else {
                        state = State.BODY;
                    }
                    return;
                }
                String h = new String(b, s, e - s, StandardCharsets.ISO_8859_1);
                int colon = h.indexOf(':');
                if (colon > 0) {
                    String name = h.substring(0, colon).trim();
                    String value = h.substring(colon + 1).trim();
                    if (name.equalsIgnoreCase("Transfer-Encoding") && value.toLowerCase().contains("chunked")) {
                        chunked = true;
                    } else if (name.equalsIgnoreCase("Content-Length")) {
                        contentLength = Long.parseLong(value);
                    } else if (name.equalsIgnoreCase("Content-Type")) {
                        contentType = value;
                    }
                }
                return;
            }
            case CHUNK_SIZE: {
                long size = 0;
                int digits = 0;
                for (int k = s; k < e; k++) {
                    int d = Character.digit(b[k], 16);
                    if (d < 0) {
                        break; // chunk extension or whitespace
                    }
                    size = size * 16 + d;
                    digits++;
                }
                if (digits == 0) {
                    if (e == s) {
                        return; // tolerate an empty line
                    }
                    throw new IllegalStateException("bad chunk size line");
                }
                if (size == 0) {
                    state = State.TRAILERS;
                } else {
                    remaining = size;
                    state = State.CHUNK_DATA;
                }
                return;
            }
            case CHUNK_DATA_END:
                state = State.CHUNK_SIZE; // the CRLF after a chunk's data
                return;
            case TRAILERS:
                if (e == s) {
                    state = State.DONE;
                }
                return;
            default:
                throw new IllegalStateException(state.toString());
        }
    }

    /** Body bytes: split into SSE lines. */
    private void body(byte[] buf, int off, int len) {
        bodyBytes += len;
        int end = off + len;
        int i = off;
        while (i < end) {
            int nl = indexOf(buf, i, end, (byte) '\n');
            if (nl < 0) {
                appendLine(buf, i, end - i);
                return;
            }
            if (lineLen == 0) {
                sseLine(buf, i, nl);
            } else {
                appendLine(buf, i, nl - i);
                sseLine(line, 0, lineLen);
                lineLen = 0;
            }
            i = nl + 1;
        }
    }

    private void sseLine(byte[] b, int s, int e) {
        if (e > s && b[e - 1] == '\r') {
            e--;
        }
        if (e == s) {
            dispatch();
            return;
        }
        if (b[s] == ':') {
            return; // comment
        }
        int colon = indexOf(b, s, e, (byte) ':');
        int nameEnd = colon < 0 ? e : colon;
        int v = colon < 0 ? e : colon + 1;
        if (v < e && b[v] == ' ') {
            v++;
        }
        int n = nameEnd - s;
        if (n == 4 && Arrays.equals(b, s, nameEnd, DATA, 0, 4)) {
            int need = dataLen + (hasData ? 1 : 0) + (e - v);
            if (need > data.length) {
                data = Arrays.copyOf(data, Math.max(need, data.length * 2));
            }
            if (hasData) {
                data[dataLen++] = '\n';
            }
            System.arraycopy(b, v, data, dataLen, e - v);
            dataLen += e - v;
            hasData = true;
        } else if (n == 2 && Arrays.equals(b, s, nameEnd, ID, 0, 2)) {
            if (indexOf(b, v, e, (byte) 0) < 0) {
                if (e - v > id.length) {
                    id = Arrays.copyOf(id, Math.max(e - v, id.length * 2));
                }
                System.arraycopy(b, v, id, 0, e - v);
                idLen = e - v;
                hasId = true;
            }
        } else if (n == 5 && Arrays.equals(b, s, nameEnd, EVENT, 0, 5)) {
            if (e - v > eventType.length) {
                eventType = Arrays.copyOf(eventType, e - v);
            }
            System.arraycopy(b, v, eventType, 0, e - v);
            eventTypeLen = e - v;
        }
        // retry and unknown fields: ignored
    }

    private void dispatch() {
        if (hasData) {
            listener.onEvent(this);
        }
        hasData = false;
        dataLen = 0;
        eventTypeLen = 0;
    }

    private void appendLine(byte[] buf, int off, int len) {
        if (lineLen + len > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLen + len, line.length * 2));
        }
        System.arraycopy(buf, off, line, lineLen, len);
        lineLen += len;
    }

    private void appendCtl(byte[] buf, int off, int len) {
        if (ctlLen + len > ctl.length) {
            ctl = Arrays.copyOf(ctl, Math.max(ctlLen + len, ctl.length * 2));
        }
        System.arraycopy(buf, off, ctl, ctlLen, len);
        ctlLen += len;
    }

    private static int indexOf(byte[] b, int from, int to, byte x) {
        for (int k = from; k < to; k++) {
            if (b[k] == x) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Reads the benchmark payload {@code "<seq> <publishMicros> <padding>"} from event data: returns the
     * sequence number and leaves the timestamp in {@code out[0]}, or returns -1 if the data is not one.
     */
    public static long parsePayload(byte[] d, int len, long[] out) {
        int i = 0;
        long seq = 0;
        int start = i;
        while (i < len && d[i] >= '0' && d[i] <= '9') {
            seq = seq * 10 + (d[i++] - '0');
        }
        if (i == start || i >= len || d[i] != ' ') {
            return -1;
        }
        i++;
        long ts = 0;
        start = i;
        while (i < len && d[i] >= '0' && d[i] <= '9') {
            ts = ts * 10 + (d[i++] - '0');
        }
        if (i == start) {
            return -1;
        }
        out[0] = ts;
        return seq;
    }
}
