package dev.herald.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Reads an event stream as the HTML standard's "Server-sent events" interpret it: lines end with CR, LF or
 * CRLF; {@code data} lines join with LF; an event is dispatched on a blank line, and only if it has data;
 * an {@code id} containing NUL is ignored; {@code retry} counts only if all digits; the last event ID
 * persists across events that carry none. Used by one thread.
 */
final class SseReader {
    private final Consumer<SseEvent> events;
    private final LongConsumer retry;
    private String lastEventId;
    private final StringBuilder data = new StringBuilder();
    private String type = "";
    private boolean hasData;

    SseReader(String lastEventId, Consumer<SseEvent> events, LongConsumer retry) {
        this.lastEventId = lastEventId;
        this.events = events;
        this.retry = retry;
    }

    String lastEventId() {
        return lastEventId;
    }

    /** Reads until the stream ends; {@link BufferedReader#readLine()} already splits on CR, LF and CRLF. */
    void read(BufferedReader in) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            line(line);
        }
    }

    void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            return; // a comment (heartbeats)
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1 + (colon + 1 < line.length() && line.charAt(colon + 1) == ' ' ? 1 : 0));
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> type = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9') && value.length() < 12) {
                    retry.accept(Long.parseLong(value));
                }
            }
            default -> {
                // unknown fields are ignored
            }
        }
    }

    private void dispatch() {
        if (hasData) {
            events.accept(new SseEvent(type.isEmpty() ? "message" : type, data.toString(), lastEventId));
        }
        data.setLength(0);
        hasData = false;
        type = "";
    }
}
