package dev.herald.common.event;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a subscription stands: for each partition it reads, the ID of the last event it has received
 * (or the live position it started from). Because a topic's history uses its partition feed's IDs, one
 * ID per partition says exactly which events of every subscribed topic in that partition were seen.
 *
 * <p>Text form, used as the SSE {@code id:} and read back from {@code Last-Event-ID}:
 * {@code <partition>:<ms>-<seq>} joined by {@code ,}, e.g. {@code 3:1732700000000-0,11:1732700000005-2}.
 * The characters are URL-safe in a query string and contain no CR, LF or NUL.
 */
public final class Cursor {
    /** Longest accepted text form; bounds parsing work for hostile input. */
    public static final int MAX_TEXT_LENGTH = 16 * 1024;

    private final TreeMap<Integer, StreamId> positions;

    private Cursor(TreeMap<Integer, StreamId> positions) {
        this.positions = positions;
    }

    public static Cursor of(Map<Integer, StreamId> positions) {
        return new Cursor(new TreeMap<>(positions));
    }

    public Map<Integer, StreamId> positions() {
        return Collections.unmodifiableMap(positions);
    }

    public StreamId position(int partition) {
        return positions.get(partition);
    }

    /**
     * Parses the text form. Throws {@link IllegalArgumentException} with a message fit for a client when
     * the text is malformed or names a partition outside {@code [0, partitionCount)}.
     */
    public static Cursor parse(String text, int partitionCount) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("event id is empty");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException("event id is longer than " + MAX_TEXT_LENGTH + " characters");
        }
        TreeMap<Integer, StreamId> positions = new TreeMap<>();
        for (String part : text.split(",", -1)) {
            int colon = part.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("event id part '" + clip(part) + "' is not <partition>:<ms>-<seq>");
            }
            String digits = part.substring(0, colon);
            if (digits.length() > 4 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("event id part '" + clip(part) + "' has no partition number");
            }
            int partition = Integer.parseInt(digits);
            if (partition < 0 || partition >= partitionCount) {
                throw new IllegalArgumentException("event id names partition " + partition + ", outside 0.." + (partitionCount - 1));
            }
            StreamId id = StreamId.parse(part.substring(colon + 1));
            if (positions.put(partition, id) != null) {
                throw new IllegalArgumentException("event id names partition " + partition + " twice");
            }
        }
        return new Cursor(positions);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** The text form of a cursor with one position: the ID of an event in a single-partition stream. */
    public static String encodeOne(int partition, StreamId id) {
        return partition + ":" + id;
    }

    /** The text form of this cursor. */
    public String encode() {
        return encodeExcept(-1, new StringBuilder()).toString();
    }

    /**
     * Appends every position but {@code partition}'s, each followed by {@code ,}: the per-connection prefix
     * written before a shared frame whose id already holds {@code partition}'s position.
     */
    public StringBuilder encodeExcept(int partition, StringBuilder out) {
        boolean first = true;
        for (Map.Entry<Integer, StreamId> e : positions.entrySet()) {
            if (e.getKey() == partition) {
                continue;
            }
            if (partition < 0 && !first) {
                out.append(',');
            }
            out.append(e.getKey()).append(':').append(e.getValue());
            if (partition >= 0) {
                out.append(',');
            }
            first = false;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cursor c && c.positions.equals(positions);
    }

    @Override
    public int hashCode() {
        return positions.hashCode();
    }

    @Override
    public String toString() {
        return encode();
    }
}
