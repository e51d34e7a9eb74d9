package dev.herald.testing;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code text/event-stream} the way a browser's {@code EventSource} does, following the WHATWG HTML
 * "Server-sent events" section ("Parsing an event stream" and "Interpreting an event stream") step by step,
 * so tests see exactly what a spec-conforming client would see.
 *
 * <ul>
 *   <li>Bytes are decoded as UTF-8, invalid sequences becoming U+FFFD; one U+FEFF (BOM) at the very start of
 *       the stream is dropped. Input may arrive in chunks of any size, split anywhere, even inside a
 *       character or between the CR and LF of one line end.</li>
 *   <li>Lines end with CRLF, LF or CR. A line that never ends (the stream stops mid-line) is never processed,
 *       and an event without its blank line is never dispatched, as the spec requires.</li>
 *   <li>{@link Event#retry()} is the reconnection time set by a valid {@code retry} field in the event's own
 *       block (since the previous blank line), else {@code null}; it is reset at every blank line, like the
 *       event type buffer. {@link #reconnectionTime()} keeps the latest value across blocks.</li>
 *   <li>Comment lines (starting with {@code :}) are ignored by the algorithm but collected, without the colon
 *       and with one leading space removed (like field values), for tests that check heartbeats.</li>
 * </ul>
 *
 * <p>Methods are synchronized, so a reader thread may feed the parser while the test thread inspects it.
 */
public final class SseParser {
    /**
     * One dispatched event, as a {@code MessageEvent} would carry it.
     *
     * @param type        the event type; {@code "message"} unless an {@code event} field named another
     * @param data        the data buffer without its final LF
     * @param lastEventId the last event ID string at dispatch (persists across events until an {@code id} changes it)
     * @param retry       the reconnection time set within this event's block, or {@code null}
     */
    public record Event(String type, String data, String lastEventId, Long retry) {
    }

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)
            .replaceWith("\uFFFD");
    private ByteBuffer pendingBytes = ByteBuffer.allocate(0); // an incomplete UTF-8 sequence from the last chunk
    private boolean atStreamStart = true;
    private boolean afterCr;
    private final StringBuilder line = new StringBuilder();

    private final StringBuilder dataBuffer = new StringBuilder();
    private String eventTypeBuffer = "";
    private String lastEventIdBuffer = "";
    private String lastEventId = "";
    private Long blockRetry;
    private Long reconnectionTime;
    private final List<String> comments = new ArrayList<>();

    /** Parses a complete stream in one go (an unterminated last event is not dispatched). */
    public static List<Event> parseAll(String text) {
        return new SseParser().feed(text.getBytes(StandardCharsets.UTF_8));
    }

    public List<Event> feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    /** Consumes the next chunk of the stream and returns the events it completed, in order. */
    public synchronized List<Event> feed(byte[] bytes, int off, int len) {
        ByteBuffer in = ByteBuffer.allocate(pendingBytes.remaining() + len);
        in.put(pendingBytes).put(bytes, off, len).flip();
        CharBuffer chars = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, chars, false); // leaves a trailing incomplete sequence in `in` for the next chunk
        pendingBytes = in.slice();
        chars.flip();

        List<Event> events = new ArrayList<>();
        if (atStreamStart && chars.hasRemaining()) {
            atStreamStart = false;
            if (chars.get(chars.position()) == '\uFEFF') {
                chars.get();
            }
        }
        while (chars.hasRemaining()) {
            char c = chars.get();
            if (c == '\n' && afterCr) {
                afterCr = false; // the LF of a CRLF whose CR already ended the line
            } else if (c == '\r' || c == '\n') {
                afterCr = c == '\r';
                processLine(line.toString(), events);
                line.setLength(0);
            } else {
                afterCr = false;
                line.append(c);
            }
        }
        return events;
    }

    /** Every comment seen so far, in order. */
    public synchronized List<String> comments() {
        return List.copyOf(comments);
    }

    /** The event source's last event ID string: what a reconnecting client would send as {@code Last-Event-ID}. */
    public synchronized String lastEventId() {
        return lastEventId;
    }

    /** The latest valid {@code retry} value in milliseconds, or {@code null} if none came yet. */
    public synchronized Long reconnectionTime() {
        return reconnectionTime;
    }

    private void processLine(String text, List<Event> events) {
        if (text.isEmpty()) {
            dispatch(events);
            return;
        }
        if (text.charAt(0) == ':') {
            comments.add(withoutLeadingSpace(text.substring(1)));
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : withoutLeadingSpace(text.substring(colon + 1));
        switch (field) {
            case "event" -> eventTypeBuffer = value;
            case "data" -> dataBuffer.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventIdBuffer = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                    try {
                        blockRetry = Long.parseLong(value);
                        reconnectionTime = blockRetry;
                    } catch (NumberFormatException tooLarge) {
                        // not representable; a client could not honour it either, so ignore the field
                    }
                }
            }
            default -> {
                // unknown fields are ignored
            }
        }
    }

    private void dispatch(List<Event> events) {
        lastEventId = lastEventIdBuffer;
        Long retry = blockRetry;
        blockRetry = null;
        if (dataBuffer.length() == 0) {
            eventTypeBuffer = "";
            return;
        }
        dataBuffer.setLength(dataBuffer.length() - 1); // the buffer always ends with the LF its last data line added
        events.add(new Event(eventTypeBuffer.isEmpty() ? "message" : eventTypeBuffer, dataBuffer.toString(), lastEventId, retry));
        dataBuffer.setLength(0);
        eventTypeBuffer = "";
    }

    private static String withoutLeadingSpace(String s) {
        return s.startsWith(" ") ? s.substring(1) : s;
    }
}
