package dev.herald.common.redis;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Topic;
import java.util.Map;

/** Field names of feed and history entries, as the publish script writes them, and their decoding. */
public final class EntryFields {
    /** Topic name; feed entries only (a history stream is one topic). */
    public static final String TOPIC = "t";
    /** SSE event name; empty for the default. */
    public static final String EVENT = "e";
    /** Payload. */
    public static final String DATA = "d";
    /** Reconnection hint in ms; empty for none. */
    public static final String RETRY = "r";
    /** Publish time, microseconds since the epoch on the Redis clock. */
    public static final String PUBLISHED_MICROS = "ts";

    private EntryFields() {
    }

    /** Decodes an entry's fields. Entries are written only by the publish script, so fields are trusted. */
    public static Event toEvent(Topic topic, StreamId id, Map<String, String> body) {
        String retry = body.get(RETRY);
        String ts = body.get(PUBLISHED_MICROS);
        return new Event(topic, id, body.get(EVENT), body.getOrDefault(DATA, ""),
                retry == null || retry.isEmpty() ? -1 : Long.parseLong(retry),
                ts == null || ts.isEmpty() ? 0 : Long.parseLong(ts));
    }
}
