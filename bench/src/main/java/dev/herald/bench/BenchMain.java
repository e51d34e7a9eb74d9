package dev.herald.bench;

import dev.herald.bench.report.Report;
import dev.herald.bench.scenario.Scenarios;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code java -jar bench.jar <scenario> [options]}, {@code report <dir>} or {@code jmh [JMH options]}.
 * See bench/README.md.
 */
public final class BenchMain {
    private BenchMain() {
    }

    static final String USAGE = String.join("\n",
            "usage: java -jar bench.jar <scenario> --target herald|nchan --pub URL [--sub URL[,URL]] [options]",
            "       java -jar bench.jar report <results-dir>",
            "       java -jar bench.jar jmh [JMH options, e.g. -f 1 -wi 3 -i 5 SseEncode]",
            "scenarios: " + String.join(", ", Scenarios.NAMES),
            "common options:",
            "  --target herald|nchan     what --pub/--sub speak (default herald)",
            "  --pub URL                 publish endpoint (Herald publisher, or nginx/Nchan)",
            "  --sub URL[,URL]           subscribe endpoint(s), connections round-robin over them (default: --pub)",
            "  --label NAME              result label (herald, nchan-memory, nchan-redis)",
            "  --server-pid NAME=PID     a server process: CPU counted per delivered event, RSS per connection (repeat)",
            "  --aux-pid NAME=PID        a process whose CPU is only reported (e.g. the publisher)",
            "  --metrics URL[,URL]       Herald gateway /metrics or Nchan nchan_stub_status, for sheds",
            "  --warmup 5s --duration 20s --drain 5s",
            "  --io-threads 2            selector threads of the subscriber pool",
            "  --out FILE                write the JSON result there (default stdout)",
            "live scenarios (fanout, incident, wide, slow, scale):",
            "  --connections N|auto --rate EV_PER_S_PER_TOPIC --topics N --size DATA_BYTES --stalled FRACTION",
            "  --pub-connections 16 --max-inflight 1 --connect-rate 3000 --max-connecting 200 --no-reconnect",
            "  --stalled-rcvbuf 4096 --fd-margin 600",
            "resume:  --missed 10000 --rounds 3 --clients 1 --batch 1000 --size 64",
            "publish: --pub-connections 32 --depth 1 --topics 16 --batch 100 --size 64");

    public static void main(String[] args) throws Exception {
        // The shaded jar leaves out its dependencies' logback.xml; without one, logback logs Lettuce at DEBUG.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "bench-logback.xml");
        }
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.err.println(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
            return;
        }
        String cmd = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (cmd) {
                case "report":
                    if (rest.length < 1) {
                        throw new IllegalArgumentException("report needs the results directory");
                    }
                    Report.write(Path.of(rest[0]));
                    break;
                case "jmh":
                    org.openjdk.jmh.Main.main(rest);
                    break;
                default:
                    Scenarios.run(cmd, new Options(rest));
                    break;
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
        System.exit(0);
    }
}
