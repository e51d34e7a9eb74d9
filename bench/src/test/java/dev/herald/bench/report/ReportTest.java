package dev.herald.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    private static Map<String, Object> result(String scenario, String label, long p50, double cpu) {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(p50 * i / 500);
        }
        Map<String, Object> latency = Stats.latency(h);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("connections", 1000);
        summary.put("offeredRate", 100000.0);
        summary.put("deliveredRate", 99999.0);
        summary.put("latency", latency);
        summary.put("lost", 0);
        summary.put("duplicated", 0);
        summary.put("cpuMicrosPerEvent", cpu);
        summary.put("rssKiBPerConnection", 12.5);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", scenario);
        r.put("label", label);
        r.put("params", Map.of("connections", 1000));
        r.put("phases", List.of(Map.of("name", "measure", "latency", latency)));
        r.put("publisher", Map.of("maxScheduleLagMillis", 1.5));
        r.put("summary", summary);
        return r;
    }

    @Test
    void writesTableSummaryAndSelfContainedHtml(@TempDir Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        json.writeValue(dir.resolve("fanout-herald.json").toFile(), result("fanout", "herald", 1000, 4.0));
        json.writeValue(dir.resolve("fanout-nchan-memory.json").toFile(), result("fanout", "nchan-memory", 2000, 2.0));
        json.writeValue(dir.resolve("wide-herald.json").toFile(), result("wide", "herald", 3000, 1.0));

        List<Map<String, Object>> results = Report.load(dir);
        assertThat(results).extracting(r -> r.get("scenario") + "/" + r.get("label"))
                .containsExactly("fanout/herald", "fanout/nchan-memory", "wide/herald");

        String table = Report.table(results, "test");
        assertThat(table).contains("herald/nchan-memory").contains("0.50x").contains("2.00x").contains("1.00ms");

        Map<String, Object> ratios = Report.ratios(results);
        assertThat(Report.get(ratios, "fanout.herald/nchan-memory.cpuMicrosPerEvent")).isEqualTo(2.0);

        Report.write(dir);
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<svg").contains("<polyline").contains("nchan-memory");
        assertThat(html).doesNotContain("src=\"http").doesNotContain("href=\"http");
        assertThat(dir.resolve("summary.json")).exists();
    }

    @Test
    void curveRunsFromZeroToMax() {
        List<Double> ps = Stats.curvePercentiles();
        assertThat(ps.get(0)).isEqualTo(0.0);
        assertThat(ps.get(ps.size() - 1)).isEqualTo(100.0);
        assertThat(ps.get(ps.size() - 2)).isGreaterThan(99.99);
    }

    @Test
    void formatsMicros() {
        assertThat(Stats.formatMicros(1234)).isEqualTo("1.23ms");
        assertThat(Stats.formatMicros(123_456)).isEqualTo("123ms");
        assertThat(Stats.formatMicros(2_500_000)).isEqualTo("2.50s");
        assertThat(Stats.formatMicros(null)).isEqualTo("-");
    }
}
