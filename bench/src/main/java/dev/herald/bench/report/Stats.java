package dev.herald.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Turns histograms (values in µs) into the numbers the report shows. */
public final class Stats {
    private Stats() {
    }

    /** Percentiles (in %) at which the latency curve is sampled: 0, then 1 - 10^(-k/8) up to 99.999, and 100. */
    public static List<Double> curvePercentiles() {
        List<Double> out = new ArrayList<>();
        for (int k = 0; k <= 40; k++) {
            out.add(100.0 * (1 - Math.pow(10, -k / 8.0)));
        }
        out.add(100.0);
        return out;
    }

    /** count, mean, p50, p90, p99, p99.9, max (µs) and a percentile curve [[percentile, µs], ...]. */
    public static Map<String, Object> latency(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        long n = h.getTotalCount();
        m.put("count", n);
        if (n == 0) {
            return m;
        }
        m.put("meanMicros", round(h.getMean()));
        m.put("p50Micros", h.getValueAtPercentile(50));
        m.put("p90Micros", h.getValueAtPercentile(90));
        m.put("p99Micros", h.getValueAtPercentile(99));
        m.put("p999Micros", h.getValueAtPercentile(99.9));
        m.put("maxMicros", h.getMaxValue());
        List<List<Number>> curve = new ArrayList<>();
        for (double p : curvePercentiles()) {
            curve.add(List.of(round(p * 1000) / 1000, p >= 100 ? h.getMaxValue() : h.getValueAtPercentile(p)));
        }
        m.put("curve", curve);
        return m;
    }

    public static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    public static String formatMicros(Object micros) {
        if (!(micros instanceof Number)) {
            return "-";
        }
        double us = ((Number) micros).doubleValue();
        if (us >= 10_000_000) {
            return String.format("%.1fs", us / 1e6);
        }
        if (us >= 1_000_000) {
            return String.format("%.2fs", us / 1e6);
        }
        if (us >= 100_000) {
            return String.format("%.0fms", us / 1e3);
        }
        if (us >= 10_000) {
            return String.format("%.1fms", us / 1e3);
        }
        return String.format("%.2fms", us / 1e3);
    }
}
