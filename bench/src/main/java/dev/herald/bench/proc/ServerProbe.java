package dev.herald.bench.proc;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the server says about itself: Herald gateways' Prometheus {@code /metrics} (connections, sheds by
 * reason) or Nchan's {@code nchan_stub_status} (subscribers). Used to see stalled clients being shed.
 */
public final class ServerProbe {
    /** Open connections and connections the server dropped on its own (sheds); -1 when unknown. */
    public record Reading(long connections, long sheds) {
    }

    private final List<String> urls;
    private final boolean nchan;

    public ServerProbe(List<String> urls, boolean nchan) {
        this.urls = List.copyOf(urls);
        this.nchan = nchan;
    }

    public boolean isEmpty() {
        return urls.isEmpty();
    }

    public Reading read() {
        if (urls.isEmpty()) {
            return new Reading(-1, -1);
        }
        long conns = 0;
        long sheds = 0;
        for (String u : urls) {
            String text = get(u);
            if (text == null) {
                return new Reading(-1, -1);
            }
            if (nchan) {
                conns += nchanValue(text, "subscribers");
                sheds = -1;
            } else {
                conns += (long) promSum(text, "herald_gateway_connections");
                sheds += (long) promSum(text, "herald_gateway_sheds_total");
            }
        }
        return new Reading(conns, sheds);
    }

    /** Sum of every sample of {@code metric} (all label sets). */
    public static double promSum(String text, String metric) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(metric) && (line.length() > metric.length())
                    && (line.charAt(metric.length()) == ' ' || line.charAt(metric.length()) == '{')) {
                String[] parts = line.trim().split("\\s+");
                try {
                    sum += Double.parseDouble(parts[parts.length - 1]);
                } catch (NumberFormatException ignored) {
                    // not a sample
                }
            }
        }
        return sum;
    }

    /** A {@code name: value} line of nchan_stub_status. */
    public static long nchanValue(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + ":")) {
                String v = line.substring(name.length() + 1).trim().split("\\s+")[0];
                try {
                    return Long.parseLong(v.replaceAll("[^0-9]", ""));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static String get(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return null;
        }
    }
}
