package dev.herald.bench.client;

/**
 * Measurement windows, by publish time: an event counts in window {@code i} when the publisher stamped it
 * at a time in {@code [start_i, end_i)}. Events published during warm-up or between windows are
 * delivered and checked for loss, but not measured. Set by the scenario thread, read by IO threads.
 */
public final class Windows {
    public static final int MAX = 4;

    private final long[] start = new long[MAX];
    private final long[] end = new long[MAX];
    private final String[] names = new String[MAX];
    private volatile int count;

    /** Opens window {@code i} from now (µs) for {@code lengthMicros}; returns its index. */
    public synchronized int open(String name, long startMicros, long lengthMicros) {
        int i = count;
        if (i >= MAX) {
            throw new IllegalStateException("too many windows");
        }
        start[i] = startMicros;
        end[i] = startMicros + lengthMicros;
        names[i] = name;
        count = i + 1; // volatile write publishes the arrays' new slots
        return i;
    }

    /** The window {@code publishMicros} falls in, or -1. */
    public int windowOf(long publishMicros) {
        int n = count;
        for (int i = 0; i < n; i++) {
            if (publishMicros >= start[i] && publishMicros < end[i]) {
                return i;
            }
        }
        return -1;
    }

    public int count() {
        return count;
    }

    public String name(int i) {
        return names[i];
    }

    public long startMicros(int i) {
        return start[i];
    }

    public long endMicros(int i) {
        return end[i];
    }

    public double seconds(int i) {
        return (end[i] - start[i]) / 1e6;
    }
}
