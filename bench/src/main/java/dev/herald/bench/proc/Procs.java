package dev.herald.bench.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads CPU time and memory of processes from {@code /proc}: {@code utime + stime} from
 * {@code /proc/<pid>/stat} (in clock ticks, {@code CLK_TCK} = 100 on Linux) and {@code VmRSS} from
 * {@code /proc/<pid>/status}. A watched process includes its descendants (nginx workers under the master),
 * found again at each sample.
 */
public final class Procs {
    private static final double TICKS_PER_SECOND = Double.parseDouble(System.getProperty("bench.clk-tck", "100"));

    /** A named process to watch; {@code server} ones are counted in CPU per delivered event. */
    public record Watched(String name, long pid, boolean server) {
    }

    /** One sample of all watched processes. */
    public record Sample(long nanos, Map<String, Double> cpuSeconds, Map<String, Long> rssKiB, double machineBusySeconds,
                         double machineTotalSeconds) {
    }

    private final List<Watched> watched;

    public Procs(List<Watched> watched) {
        this.watched = List.copyOf(watched);
    }

    /** Parses {@code name=pid} (server) options. */
    public static List<Watched> parse(List<String> specs, boolean server) {
        List<Watched> out = new ArrayList<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected name=pid, got " + s);
            }
            out.add(new Watched(s.substring(0, eq), Long.parseLong(s.substring(eq + 1).trim()), server));
        }
        return out;
    }

    public List<Watched> watched() {
        return watched;
    }

    public Sample sample() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Long> rss = new LinkedHashMap<>();
        Map<Long, List<Long>> children = childrenMap();
        for (Watched w : watched) {
            double c = 0;
            long r = 0;
            for (long pid : withDescendants(w.pid(), children)) {
                c += cpuSeconds(pid);
                r += rssKiB(pid);
            }
            cpu.merge(w.name(), c, Double::sum);
            rss.merge(w.name(), r, Long::sum);
        }
        cpu.put("generator", cpuSeconds(ProcessHandle.current().pid()));
        rss.put("generator", rssKiB(ProcessHandle.current().pid()));
        double[] machine = machineSeconds();
        return new Sample(System.nanoTime(), cpu, rss, machine[0], machine[1]);
    }

    private static List<Long> withDescendants(long pid, Map<Long, List<Long>> children) {
        List<Long> out = new ArrayList<>();
        out.add(pid);
        for (int i = 0; i < out.size(); i++) {
            out.addAll(children.getOrDefault(out.get(i), List.of()));
        }
        return out;
    }

    private static Map<Long, List<Long>> childrenMap() {
        Map<Long, List<Long>> map = new LinkedHashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : dir) {
                String[] f = statFields(Long.parseLong(p.getFileName().toString()));
                if (f != null) {
                    map.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(Long.parseLong(p.getFileName().toString()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
        return map;
    }

    /** Fields after the command name: [0] state, [1] ppid, ..., [11] utime, [12] stime. */
    private static String[] statFields(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int close = s.lastIndexOf(')');
            return s.substring(close + 2).trim().split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public static double cpuSeconds(long pid) {
        String[] f = statFields(pid);
        if (f == null) {
            return 0;
        }
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    public static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    /**
     * For a JVM: heap in use (KiB) right after a full GC ({@code jcmd <pid> GC.run}, then
     * {@code GC.heap_info}), i.e. live objects only; -1 if {@code pid} is not a JVM or jcmd fails. Forces a
     * GC in that process, so only call it outside measured windows.
     */
    public static long jvmLiveHeapKiB(long pid) {
        try {
            String comm = Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
            if (!comm.equals("java")) {
                return -1;
            }
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            if (!Files.isExecutable(Path.of(jcmd))) {
                return -1;
            }
            run(jcmd, String.valueOf(pid), "GC.run");
            String info = run(jcmd, String.valueOf(pid), "GC.heap_info");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroy();
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** The open-files soft limit of {@code pid}, or -1. */
    public static long openFilesLimit(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
                if (line.startsWith("Max open files")) {
                    String v = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    /** Machine-wide [busy, total] CPU seconds from {@code /proc/stat} (all cores). */
    private static double[] machineSeconds() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) {
                    idle += v; // idle, iowait
                }
            }
            return new double[] {(total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[] {0, 0};
        }
    }
}
