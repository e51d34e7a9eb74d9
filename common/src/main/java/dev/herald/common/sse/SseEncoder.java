package dev.herald.common.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes events as {@code text/event-stream} (WHATWG HTML, "Server-sent events") in UTF-8.
 *
 * <p>Every field is written as {@code name: value}: the parser drops exactly one space after the colon,
 * so a value that itself starts with a space survives. Data is split into one {@code data:} line per
 * line of the payload, whichever of CRLF, LF or CR ends it; an empty payload is one empty {@code data:}
 * line, which still dispatches an event (with empty data). Ids and event names cannot carry CR, LF or
 * NUL: the protocol has no escape for them, so they are rejected rather than silently altered.
 */
public final class SseEncoder {
    private SseEncoder() {
    }

    /** Throws {@link IllegalArgumentException} if {@code value} cannot be an SSE id or event name. */
    public static void requireFieldValue(String what, String value) {
        String problem = problemWithFieldValue(what, value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Why {@code value} cannot be the single-line field {@code what}, or {@code null} if it can. */
    public static String problemWithFieldValue(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                return what + " must not contain CR, LF or NUL";
            }
        }
        return null;
    }

    /**
     * Appends one event. {@code id}, {@code event} may be null (omitted); {@code retryMillis} &lt; 0 is omitted.
     * The caller has validated {@code id} and {@code event}.
     */
    public static StringBuilder appendEvent(StringBuilder out, String id, String event, long retryMillis, String data) {
        if (id != null) {
            out.append("id: ").append(id).append('\n');
        }
        if (event != null) {
            out.append("event: ").append(event).append('\n');
        }
        if (retryMillis >= 0) {
            out.append("retry: ").append(retryMillis).append('\n');
        }
        appendLines(out, "data: ", data == null ? "" : data);
        return out.append('\n');
    }

    /** A comment frame: one {@code :} line per line of {@code text}, then a blank line. */
    public static String comment(String text) {
        return appendLines(new StringBuilder(), ": ", text).append('\n').toString();
    }

    /** A frame that only sets the client's reconnection delay. */
    public static String retry(long millis) {
        return "retry: " + millis + "\n\n";
    }

    /** Writes {@code prefix + line + LF} for each line of {@code text}, splitting on CRLF, LF and CR. */
    static StringBuilder appendLines(StringBuilder out, String prefix, String text) {
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                out.append(prefix).append(text, start, i).append('\n');
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        return out.append(prefix).append(text, start, n).append('\n');
    }

    /** UTF-8 bytes of {@code frame} in a read-only direct buffer, ready to be shared across sockets. */
    public static ByteBuffer toSharedBuffer(CharSequence frame) {
        byte[] bytes = frame.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        return direct.asReadOnlyBuffer();
    }
}
