package dev.herald.bench.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.herald.bench.Clock;
import dev.herald.bench.Options;
import dev.herald.bench.Target;
import dev.herald.bench.proc.Procs;
import dev.herald.bench.proc.ServerProbe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every scenario shares: the target, the processes to watch, durations, and where the result goes. */
public final class Context {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final String scenario;
    final Options options;
    final Target target;
    final String label;
    final Procs procs;
    final ServerProbe probe;
    final Duration warmup;
    final Duration duration;
    final Duration drain;
    final int ioThreads;
    final Path out;
    final String startedAt = Instant.now().toString();

    Context(String scenario, Options o) {
        this.scenario = scenario;
        this.options = o;
        Target.Kind kind = Target.kind(o.str("target", "herald"));
        List<InetSocketAddress> subs = new ArrayList<>();
        for (String s : o.all("sub")) {
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    subs.add(Target.address(part.trim()));
                }
            }
        }
        InetSocketAddress pub = Target.address(o.required("pub"));
        if (subs.isEmpty()) {
            subs.add(pub);
        }
        this.target = new Target(kind, subs, pub);
        this.label = o.str("label", kind == Target.Kind.HERALD ? "herald" : "nchan");
        List<Procs.Watched> watched = new ArrayList<>(Procs.parse(o.all("server-pid"), true));
        watched.addAll(Procs.parse(o.all("aux-pid"), false));
        this.procs = new Procs(watched);
        List<String> probeUrls = new ArrayList<>();
        for (String s : o.all("metrics")) {
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    probeUrls.add(part.trim());
                }
            }
        }
        this.probe = new ServerProbe(probeUrls, kind == Target.Kind.NCHAN);
        this.warmup = o.duration("warmup", Duration.ofSeconds(5));
        this.duration = o.duration("duration", Duration.ofSeconds(20));
        this.drain = o.duration("drain", Duration.ofSeconds(5));
        this.ioThreads = o.integer("io-threads", 2);
        String outOpt = o.str("out", null);
        this.out = outOpt == null ? null : Path.of(outOpt);
    }

    String tag() {
        return "[" + scenario + " " + label + "]";
    }

    /** The result skeleton every scenario fills. */
    Map<String, Object> newResult() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", scenario);
        r.put("target", target.kind().name().toLowerCase());
        r.put("label", label);
        r.put("startedAt", startedAt);
        r.put("cores", Runtime.getRuntime().availableProcessors());
        return r;
    }

    void write(Map<String, Object> result) throws IOException {
        String text = JSON.writeValueAsString(result);
        if (out != null) {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, text + "\n");
            Clock.log("%s result written to %s", tag(), out);
        } else {
            System.out.println(text);
        }
    }

    /** CPU seconds used between two samples, per watched name, and per delivered event. */
    Map<String, Object> cpu(Procs.Sample a, Procs.Sample b, long deliveredEvents) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> per = new LinkedHashMap<>();
        double server = 0;
        for (Procs.Watched w : procs.watched()) {
            double d = b.cpuSeconds().getOrDefault(w.name(), 0.0) - a.cpuSeconds().getOrDefault(w.name(), 0.0);
            per.put(w.name(), round3(d));
            if (w.server()) {
                server += d;
            }
        }
        double gen = b.cpuSeconds().get("generator") - a.cpuSeconds().get("generator");
        double wall = (b.nanos() - a.nanos()) / 1e9;
        m.put("windowSeconds", round3(wall));
        m.put("secondsByProcess", per);
        m.put("serverSeconds", round3(server));
        m.put("serverCoresUsed", round3(server / wall));
        m.put("generatorSeconds", round3(gen));
        m.put("generatorCoresUsed", round3(gen / wall));
        double total = b.machineTotalSeconds() - a.machineTotalSeconds();
        m.put("machineBusyPercent", total > 0 ? round3(100 * (b.machineBusySeconds() - a.machineBusySeconds()) / total) : null);
        m.put("deliveredEvents", deliveredEvents);
        m.put("serverMicrosPerEvent", deliveredEvents > 0 ? round3(server * 1e6 / deliveredEvents) : null);
        return m;
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
