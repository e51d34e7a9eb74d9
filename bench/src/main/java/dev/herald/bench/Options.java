package dev.herald.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line options: {@code --name value}, {@code --name=value} or a bare {@code --flag}. Repeatable
 * options keep every value. Unknown options are reported after the scenario has read what it needs.
 */
public final class Options {
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final Set<String> used = new TreeSet<>();

    public Options(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    value = args[++i];
                } else {
                    value = "true";
                }
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                positional.add(a);
            }
        }
    }

    public List<String> positional() {
        return positional;
    }

    public boolean has(String name) {
        used.add(name);
        return values.containsKey(name);
    }

    public String str(String name, String def) {
        used.add(name);
        List<String> v = values.get(name);
        return v == null ? def : v.get(v.size() - 1);
    }

    public String required(String name) {
        String v = str(name, null);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return v;
    }

    public List<String> all(String name) {
        used.add(name);
        return values.getOrDefault(name, List.of());
    }

    public int integer(String name, int def) {
        String v = str(name, null);
        return v == null ? def : Integer.parseInt(v.replace("_", ""));
    }

    public long longValue(String name, long def) {
        String v = str(name, null);
        return v == null ? def : Long.parseLong(v.replace("_", ""));
    }

    public double dbl(String name, double def) {
        String v = str(name, null);
        return v == null ? def : Double.parseDouble(v);
    }

    public boolean flag(String name) {
        String v = str(name, null);
        return v != null && !v.equals("false");
    }

    /** A duration: plain seconds ({@code 20}, {@code 0.5}) or with a unit ({@code 500ms}, {@code 20s}, {@code 2m}). */
    public Duration duration(String name, Duration def) {
        String v = str(name, null);
        return v == null ? def : parseDuration(v);
    }

    public static Duration parseDuration(String v) {
        v = v.trim();
        double n;
        long unitNanos;
        if (v.endsWith("ms")) {
            n = Double.parseDouble(v.substring(0, v.length() - 2));
            unitNanos = 1_000_000L;
        } else if (v.endsWith("s")) {
            n = Double.parseDouble(v.substring(0, v.length() - 1));
            unitNanos = 1_000_000_000L;
        } else if (v.endsWith("m")) {
            n = Double.parseDouble(v.substring(0, v.length() - 1));
            unitNanos = 60_000_000_000L;
        } else {
            n = Double.parseDouble(v);
            unitNanos = 1_000_000_000L;
        }
        return Duration.ofNanos((long) (n * unitNanos));
    }

    /** Options given but never read: almost always a typo. */
    public List<String> unused() {
        List<String> out = new ArrayList<>();
        for (String k : values.keySet()) {
            if (!used.contains(k)) {
                out.add("--" + k);
            }
        }
        return out;
    }
}
