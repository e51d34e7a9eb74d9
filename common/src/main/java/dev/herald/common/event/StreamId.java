package dev.herald.common.event;

/**
 * A Redis stream entry ID ({@code <ms>-<seq>}). The same ID names an event in its partition feed and in
 * its topic's history stream, so it orders events within a partition.
 */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
    /** Sorts before every real entry; what an empty stream's cursor starts from. */
    public static final StreamId ZERO = new StreamId(0, 0);

    public StreamId {
        if (ms < 0 || seq < 0) {
            throw new IllegalArgumentException("stream id parts must not be negative");
        }
    }

    /** Parses {@code <ms>-<seq>} as Redis prints it; throws {@link IllegalArgumentException} otherwise. */
    public static StreamId parse(String text) {
        int dash = text.indexOf('-');
        if (dash <= 0 || dash == text.length() - 1) {
            throw new IllegalArgumentException("not a stream id: '" + text + "'");
        }
        return new StreamId(parseUnsigned(text, 0, dash), parseUnsigned(text, dash + 1, text.length()));
    }

    private static long parseUnsigned(String text, int from, int to) {
        if (to - from > 19) {
            throw new IllegalArgumentException("not a stream id: '" + text + "'");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not a stream id: '" + text + "'");
            }
            value = value * 10 + (c - '0');
            if (value < 0) {
                throw new IllegalArgumentException("stream id out of range: '" + text + "'");
            }
        }
        return value;
    }

    public boolean isAfter(StreamId other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(StreamId o) {
        int byMs = Long.compare(ms, o.ms);
        return byMs != 0 ? byMs : Long.compare(seq, o.seq);
    }

    @Override
    public String toString() {
        return ms + "-" + seq;
    }
}
