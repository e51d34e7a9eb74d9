package dev.herald.common.startup;

import dev.herald.common.redis.RedisLink;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses a Redis older than the publish script needs: {@code XTRIM ... MINID} (and exclusive {@code XRANGE}
 * bounds) came in 6.2. Without this check every publish on an older Redis fails as {@code redis_unavailable}.
 */
public final class RedisVersion {
    static final int MAJOR = 6;
    static final int MINOR = 2;
    private static final Pattern VERSION = Pattern.compile("(?m)^redis_version:(\\d+)\\.(\\d+)(?:\\.\\d+)?\\s*$");

    private RedisVersion() {
    }

    /** Reads {@code INFO server} over {@code link}; throws {@link StartupRefused} if that Redis is too old. */
    public static void require(RedisLink link, String uri) {
        String problem = problem(link.sync().info("server"));
        if (problem != null) {
            throw new StartupRefused(problem + " (herald.redis.uri " + uri + ")");
        }
    }

    /** What is wrong with the server whose {@code INFO server} reply is {@code info}, or null if it will do. */
    static String problem(String info) {
        Matcher m = VERSION.matcher(info);
        if (!m.find()) {
            return "Redis did not report redis_version in INFO server; Herald needs Redis " + MAJOR + "." + MINOR + " or later";
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major > MAJOR || major == MAJOR && minor >= MINOR) {
            return null;
        }
        return "Redis " + m.group(1) + "." + m.group(2) + " is too old: Herald needs " + MAJOR + "." + MINOR
                + " or later (XTRIM MINID in the publish script)";
    }
}
