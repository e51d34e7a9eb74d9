package dev.herald.bench.scenario;

import dev.herald.bench.Clock;
import dev.herald.bench.Options;
import java.util.List;
import java.util.Map;

/** Runs one named scenario against one target and writes its JSON result. */
public final class Scenarios {
    public static final List<String> NAMES = List.of("fanout", "incident", "wide", "slow", "resume", "publish", "scale");

    private Scenarios() {
    }

    public static void run(String name, Options options) throws Exception {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown scenario " + name + "; one of " + NAMES);
        }
        Context ctx = new Context(name, options);
        Map<String, Object> result;
        switch (name) {
            case "resume":
                result = new ResumeScenario(ctx).run();
                break;
            case "publish":
                result = new PublishScenario(ctx).run();
                break;
            default:
                result = new LiveScenario(ctx).run();
                break;
        }
        List<String> unused = options.unused();
        if (!unused.isEmpty()) {
            Clock.log("%s warning: options not used by this scenario: %s", ctx.tag(), unused);
            result.put("unusedOptions", unused);
        }
        ctx.write(result);
    }
}
