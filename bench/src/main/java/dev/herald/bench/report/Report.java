package dev.herald.bench.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Gathers the per-run JSON results of a results directory into one table (stdout), {@code summary.json}
 * and a self-contained {@code report.html} (inline SVG latency-percentile plots, no external resources).
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> SCENARIO_ORDER = List.of("fanout", "incident", "wide", "slow", "resume", "publish", "scale");
    private static final List<String> LABEL_ORDER = List.of("herald", "nchan-memory", "nchan-redis");
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"};

    /** One column of the table: a title, where its value is in a result's summary, how it is shown. */
    record Column(String title, String key, String kind) {
    }

    static final List<Column> COLUMNS = List.of(
            new Column("conns", "connections", "int"),
            new Column("offered/s", "offeredRate", "rate"),
            new Column("delivered/s", "deliveredRate", "rate"),
            new Column("p50", "latency.p50Micros", "us"),
            new Column("p90", "latency.p90Micros", "us"),
            new Column("p99", "latency.p99Micros", "us"),
            new Column("p99.9", "latency.p999Micros", "us"),
            new Column("max", "latency.maxMicros", "us"),
            new Column("lost", "lost", "int"),
            new Column("dup", "duplicated", "int"),
            new Column("cpu us/ev", "cpuMicrosPerEvent", "num"),
            new Column("KiB/conn", "rssKiBPerConnection", "num"));

    private Report() {
    }

    public static void write(Path dir) throws IOException {
        List<Map<String, Object>> results = load(dir);
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no results (*.json) in " + dir);
        }
        String table = table(results, dir.toString());
        System.out.print(table);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("generatedAt", Instant.now().toString());
        summary.put("directory", dir.toString());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("scenario", r.get("scenario"));
            row.put("label", r.get("label"));
            row.put("summary", r.get("summary"));
            rows.add(row);
        }
        summary.put("results", rows);
        summary.put("ratios", ratios(results));
        Files.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(summary) + "\n");
        Files.writeString(dir.resolve("report.html"), html(results, table, dir.getFileName() == null ? "" : dir.getFileName().toString()));
        Files.writeString(dir.resolve("table.txt"), table);
        System.err.println("report: " + dir.resolve("report.html") + ", " + dir.resolve("summary.json") + ", " + dir.resolve("table.txt"));
    }

    static List<Map<String, Object>> load(Path dir) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json") && !f.getFileName().toString().equals("summary.json")).toList()) {
                Map<String, Object> r = JSON.readValue(p.toFile(), new TypeReference<Map<String, Object>>() { });
                if (r.containsKey("scenario") && r.containsKey("summary")) {
                    out.add(r);
                }
            }
        }
        out.sort(Comparator.comparingInt((Map<String, Object> r) -> order(SCENARIO_ORDER, (String) r.get("scenario")))
                .thenComparingInt(r -> order(LABEL_ORDER, (String) r.get("label")))
                .thenComparing(r -> (String) r.get("label")));
        return out;
    }

    private static int order(List<String> order, String v) {
        int i = order.indexOf(v);
        return i < 0 ? order.size() : i;
    }

    /** A value from a nested map by a dotted path, or null. */
    @SuppressWarnings("unchecked")
    static Object get(Map<String, Object> m, String path) {
        Object cur = m;
        for (String k : path.split("\\.")) {
            if (!(cur instanceof Map)) {
                return null;
            }
            cur = ((Map<String, Object>) cur).get(k);
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(Map<String, Object> r) {
        return (Map<String, Object>) r.get("summary");
    }

    static String format(Object v, String kind) {
        if (!(v instanceof Number)) {
            return "-";
        }
        double d = ((Number) v).doubleValue();
        switch (kind) {
            case "us":
                return Stats.formatMicros(v);
            case "rate":
                return d >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.1f", d);
            case "int":
                return String.format(Locale.ROOT, "%,d", Math.round(d));
            default:
                return d >= 100 ? String.format(Locale.ROOT, "%.0f", d) : d >= 10 ? String.format(Locale.ROOT, "%.1f", d)
                        : String.format(Locale.ROOT, "%.2f", d);
        }
    }

    /** Herald's value divided by each Nchan label's, per scenario and column (null where undefined). */
    static Map<String, Object> ratios(List<Map<String, Object>> results) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String scenario : SCENARIO_ORDER) {
            Map<String, Object> herald = find(results, scenario, "herald");
            if (herald == null) {
                continue;
            }
            Map<String, Object> perLabel = new LinkedHashMap<>();
            for (Map<String, Object> r : results) {
                if (!scenario.equals(r.get("scenario")) || "herald".equals(r.get("label"))) {
                    continue;
                }
                Map<String, Object> ratio = new LinkedHashMap<>();
                for (Column c : COLUMNS) {
                    ratio.put(c.key(), ratio(get(summary(herald), c.key()), get(summary(r), c.key())));
                }
                perLabel.put("herald/" + r.get("label"), ratio);
            }
            if (!perLabel.isEmpty()) {
                out.put(scenario, perLabel);
            }
        }
        return out;
    }

    static Double ratio(Object a, Object b) {
        if (!(a instanceof Number) || !(b instanceof Number)) {
            return null;
        }
        double x = ((Number) a).doubleValue();
        double y = ((Number) b).doubleValue();
        if (y == 0) {
            return null;
        }
        return Math.round(x / y * 1000) / 1000.0;
    }

    private static Map<String, Object> find(List<Map<String, Object>> results, String scenario, String label) {
        for (Map<String, Object> r : results) {
            if (scenario.equals(r.get("scenario")) && label.equals(r.get("label"))) {
                return r;
            }
        }
        return null;
    }

    static String table(List<Map<String, Object>> results, String title) {
        List<String[]> rows = new ArrayList<>();
        String[] head = new String[COLUMNS.size() + 2];
        head[0] = "scenario";
        head[1] = "system";
        for (int i = 0; i < COLUMNS.size(); i++) {
            head[i + 2] = COLUMNS.get(i).title();
        }
        rows.add(head);
        List<String> notes = new ArrayList<>();
        String lastScenario = null;
        for (Map<String, Object> r : results) {
            String scenario = (String) r.get("scenario");
            if (lastScenario != null && !scenario.equals(lastScenario)) {
                addRatioRows(rows, results, lastScenario);
                rows.add(null);
            }
            lastScenario = scenario;
            String[] row = new String[head.length];
            row[0] = scenario;
            row[1] = (String) r.get("label");
            for (int i = 0; i < COLUMNS.size(); i++) {
                row[i + 2] = format(get(summary(r), COLUMNS.get(i).key()), COLUMNS.get(i).kind());
            }
            rows.add(row);
            String note = note(r);
            if (note != null) {
                notes.add(scenario + " " + r.get("label") + ": " + note);
            }
        }
        if (lastScenario != null) {
            addRatioRows(rows, results, lastScenario);
        }
        int[] width = new int[head.length];
        for (String[] row : rows) {
            if (row != null) {
                for (int i = 0; i < row.length; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Herald vs Nchan: ").append(title).append('\n');
        sb.append("(latency = publish to receipt, end to end; cpu us/ev = server (+redis) CPU per delivered event; "
                + "KiB/conn = server RSS growth per connection; ratios = herald / other)\n\n");
        for (String[] row : rows) {
            if (row == null) {
                sb.append('\n');
                continue;
            }
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                if (i < 2) {
                    sb.append(String.format("%-" + width[i] + "s", cell));
                } else {
                    sb.append(String.format("%" + width[i] + "s", cell));
                }
                sb.append(i == row.length - 1 ? "\n" : "  ");
            }
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            for (String n : notes) {
                sb.append("  ").append(n).append('\n');
            }
        }
        return sb.toString();
    }

    private static void addRatioRows(List<String[]> rows, List<Map<String, Object>> results, String scenario) {
        Map<String, Object> herald = find(results, scenario, "herald");
        if (herald == null) {
            return;
        }
        for (Map<String, Object> r : results) {
            if (!scenario.equals(r.get("scenario")) || "herald".equals(r.get("label"))) {
                continue;
            }
            String[] row = new String[COLUMNS.size() + 2];
            row[0] = "";
            row[1] = "herald/" + r.get("label");
            for (int i = 0; i < COLUMNS.size(); i++) {
                Column c = COLUMNS.get(i);
                Double x = c.key().equals("connections") || c.key().equals("offeredRate") ? null
                        : ratio(get(summary(herald), c.key()), get(summary(r), c.key()));
                row[i + 2] = x == null ? "" : String.format(Locale.ROOT, "%.2fx", x);
            }
            rows.add(row);
        }
    }

    /** The scenario-specific figures that do not fit the columns. */
    static String note(Map<String, Object> r) {
        Map<String, Object> s = summary(r);
        switch ((String) r.get("scenario")) {
            case "slow":
                return String.format(Locale.ROOT, "healthy p99 without stalled %s, with stalled %s; stalled shed %s of %s, all after %s",
                        Stats.formatMicros(s.get("healthyP99WithoutStalledMicros")), Stats.formatMicros(s.get("healthyP99WithStalledMicros")),
                        get(r, "shed.shedByServer"), get(r, "shed.stalledConnections"),
                        s.get("allStalledShedAfterSeconds") == null ? "(not all within " + get(r, "shed.watchedSeconds") + " s)"
                                : s.get("allStalledShedAfterSeconds") + " s");
            case "resume":
                return String.format(Locale.ROOT, "catch-up of %s missed events: p50 %s s, max %s s; first event after %s ms",
                        get(r, "params.missed"), s.get("catchUpSecondsP50"), s.get("catchUpSecondsMax"), s.get("firstEventMillisP50"));
            case "publish":
                String ceiling = s.get("redisCeilingEventsPerSecond") instanceof Number c && s.get("batchEventsPerSecond") instanceof Number b
                        ? String.format(Locale.ROOT, " = %.2fx Redis's ceiling for the same writes (%s)", b.doubleValue() / c.doubleValue(),
                                format(c, "rate"))
                        : "";
                return String.format(Locale.ROOT, "single-event requests/s %s; batch events/s %s%s (latency = request round trip)",
                        format(s.get("singleRequestsPerSecond"), "rate"), format(s.get("batchEventsPerSecond"), "rate"), ceiling);
            case "scale":
                return String.format(Locale.ROOT, "%s idle connections held; server RSS at end %s KiB; JVM live heap per connection %s KiB",
                        format(s.get("connections"), "int"), format(get(r, "memory.serverKiBAtEnd"), "int"),
                        format(s.get("jvmLiveHeapKiBPerConnection"), "num"));
            default:
                Object lag = get(r, "publisher.maxScheduleLagMillis");
                Object gen = s.get("generatorCoresUsed");
                return lag == null ? null : String.format(Locale.ROOT, "publisher max schedule lag %s ms; generator used %s cores",
                        lag, gen);
        }
    }

    // ---------------------------------------------------------------------------------------------- HTML

    static String html(List<Map<String, Object>> results, String table, String title) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Herald benchmark ").append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}pre{font-size:12px;background:#f6f6f6;"
                        + "padding:1em;overflow-x:auto}h2{border-bottom:1px solid #ccc}svg{background:#fff;border:1px solid #ddd}"
                        + ".note{color:#555;font-size:13px}</style></head><body>\n");
        sb.append("<h1>Herald vs Nchan benchmark</h1>\n<p class=\"note\">").append(esc(title))
                .append(". Everything ran on one machine: the load generator, Redis, the publisher and the servers share its cores."
                        + " Latency is end to end, from the publisher stamping the event to the subscriber parsing it.</p>\n");
        sb.append("<pre>").append(esc(table)).append("</pre>\n");
        for (String scenario : SCENARIO_ORDER) {
            List<Map<String, Object>> rs = new ArrayList<>();
            for (Map<String, Object> r : results) {
                if (scenario.equals(r.get("scenario"))) {
                    rs.add(r);
                }
            }
            if (rs.isEmpty()) {
                continue;
            }
            sb.append("<h2>").append(esc(scenario)).append("</h2>\n");
            for (Map<String, Object> r : rs) {
                String note = note(r);
                sb.append("<p class=\"note\"><b>").append(esc((String) r.get("label"))).append("</b>: params ")
                        .append(esc(String.valueOf(r.get("params")))).append(note == null ? "" : "<br>" + esc(note)).append("</p>\n");
            }
            sb.append(svg(scenario, rs));
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    /** One series per result and phase: [x = -log10(1 - p), y = latency µs]. */
    @SuppressWarnings("unchecked")
    static String svg(String scenario, List<Map<String, Object>> rs) {
        List<String> names = new ArrayList<>();
        List<List<double[]>> series = new ArrayList<>();
        List<String> colors = new ArrayList<>();
        List<Boolean> dashed = new ArrayList<>();
        int labelIndex = -1;
        for (Map<String, Object> r : rs) {
            labelIndex++;
            Object phases = r.get("phases");
            if (!(phases instanceof List)) {
                continue;
            }
            List<Map<String, Object>> ps = (List<Map<String, Object>>) phases;
            for (int pi = 0; pi < ps.size(); pi++) {
                Map<String, Object> ph = ps.get(pi);
                Object curve = get(ph, "latency.curve");
                if (!(curve instanceof List) || ((List<?>) curve).isEmpty()) {
                    continue;
                }
                List<double[]> pts = new ArrayList<>();
                for (Object o : (List<Object>) curve) {
                    List<Number> pt = (List<Number>) o;
                    pts.add(new double[] {pt.get(0).doubleValue(), Math.max(1, pt.get(1).doubleValue())});
                }
                series.add(pts);
                names.add(r.get("label") + (ps.size() > 1 ? " " + ph.get("name") : ""));
                // one colour per system; earlier phases (e.g. slow's "without-stalled") dashed
                colors.add(COLORS[labelIndex % COLORS.length]);
                dashed.add(pi < ps.size() - 1);
            }
        }
        if (series.isEmpty()) {
            return "<p class=\"note\">no latency data</p>\n";
        }
        int w = 1000;
        int h = 420;
        int left = 70;
        int right = 290;
        int top = 20;
        int bottom = 50;
        double xMax = 5.5; // 99.999% at 5, max at 5.5
        double yMinLog = Double.MAX_VALUE;
        double yMaxLog = -Double.MAX_VALUE;
        for (List<double[]> s : series) {
            for (double[] p : s) {
                yMinLog = Math.min(yMinLog, Math.log10(p[1]));
                yMaxLog = Math.max(yMaxLog, Math.log10(p[1]));
            }
        }
        yMinLog = Math.floor(yMinLog);
        yMaxLog = Math.max(yMinLog + 1, Math.ceil(yMaxLog));
        int pw = w - left - right;
        int ph = h - top - bottom;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"latency by percentile, ")
                .append(esc(scenario)).append("\">\n");
        // grid and axes
        String[] xLabels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int i = 0; i <= 5; i++) {
            double x = left + pw * i / xMax;
            sb.append(line(x, top, x, top + ph, "#eee"));
            sb.append(text(x, top + ph + 18, xLabels[i], "middle"));
        }
        double xm = left + pw;
        sb.append(line(xm, top, xm, top + ph, "#eee")).append(text(xm, top + ph + 18, "max", "middle"));
        for (double e = yMinLog; e <= yMaxLog; e++) {
            double y = top + ph - ph * (e - yMinLog) / (yMaxLog - yMinLog);
            sb.append(line(left, y, left + pw, y, "#eee"));
            sb.append(text(left - 6, y + 4, Stats.formatMicros(Math.pow(10, e)), "end"));
        }
        sb.append(line(left, top + ph, left + pw, top + ph, "#333")).append(line(left, top, left, top + ph, "#333"));
        sb.append(text(left + pw / 2.0, h - 10, "percentile", "middle"));
        sb.append("<text x=\"14\" y=\"").append(top + ph / 2).append("\" transform=\"rotate(-90 14 ").append(top + ph / 2)
                .append(")\" text-anchor=\"middle\" font-size=\"12\">latency (log)</text>\n");
        for (int i = 0; i < series.size(); i++) {
            String color = colors.get(i);
            String dash = dashed.get(i) ? " stroke-dasharray=\"6 4\"" : "";
            StringBuilder pts = new StringBuilder();
            for (double[] p : series.get(i)) {
                double xv = p[0] >= 100 ? xMax : Math.min(5, -Math.log10(Math.max(1e-9, 1 - p[0] / 100)));
                double x = left + pw * xv / xMax;
                double y = top + ph - ph * (Math.log10(p[1]) - yMinLog) / (yMaxLog - yMinLog);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            sb.append("<polyline fill=\"none\" stroke=\"").append(color).append("\"").append(dash).append(" stroke-width=\"2\" points=\"")
                    .append(pts.toString().trim()).append("\"/>\n");
            double ly = top + 10 + i * 18;
            sb.append(line(left + pw + 15, ly, left + pw + 35, ly, color).replace("stroke-width=\"1\"", "stroke-width=\"3\"" + dash));
            sb.append(text(left + pw + 40, ly + 4, names.get(i), "start"));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>\n",
                x1, y1, x2, y2, color);
    }

    private static String text(double x, double y, String s, String anchor) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"%s\">%s</text>\n", x, y, anchor, esc(s));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
