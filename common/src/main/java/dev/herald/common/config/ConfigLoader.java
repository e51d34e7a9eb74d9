package dev.herald.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads Typesafe Config (defaults from every {@code reference.conf}, then {@code application.conf} or the file
 * named by {@code -Dconfig.file}, then system properties) and turns it into a settings object, so that a bad
 * value fails the start with one line that names the key. Every key is also read from the environment
 * variable {@link #environmentName(String) named by one rule}; an unknown {@code HERALD_*} variable is
 * logged at start with the nearest known one, so a misspelt setting is not silently ignored.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    /** Variables that are not configuration keys but are read elsewhere (logback.xml). */
    private static final Set<String> OTHER_VARIABLES = Set.of("HERALD_LOG_LEVEL", "HERALD_LOG_FORMAT");
    /**
     * Sections of one service only: a variable under another service's section (a ConfigMap shared by the
     * publisher and the gateways) is that service's business.
     */
    private static final Set<String> SERVICE_SECTIONS = Set.of("GATEWAY", "PUBLISHER");

    private ConfigLoader() {
    }

    /** The effective configuration for this process; unknown {@code HERALD_*} environment variables are logged. */
    public static Config load() {
        ConfigFactory.invalidateCaches();
        Config config = ConfigFactory.load();
        unknownEnvironment(config, System.getenv()).forEach(LOG::warn);
        return config;
    }

    /**
     * The environment variable of a configuration key: {@code HERALD_} plus the path after {@code herald.}, upper
     * case, with {@code .} and {@code -} as {@code _} ({@code herald.publisher.limits.max-body} is
     * {@code HERALD_PUBLISHER_LIMITS_MAX_BODY}).
     */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * One warning for each {@code HERALD_*} variable in {@code environment} that is no key of {@code config}
     * (nor another service's), naming the nearest known variable.
     */
    static List<String> unknownEnvironment(Config config, Map<String, String> environment) {
        Set<String> known = new TreeSet<>(OTHER_VARIABLES);
        if (config.hasPath("herald")) {
            config.getConfig("herald").entrySet().forEach(e -> known.add(environmentName("herald." + e.getKey())));
        }
        return environment.keySet().stream().filter(v -> v.startsWith("HERALD_") && !known.contains(v))
                .filter(v -> !otherServiceSection(v, known)).sorted()
                .map(v -> "unknown environment variable " + v + " is ignored; did you mean "
                        + known.stream().min(Comparator.comparingInt(k -> levenshtein(k, v))).orElseThrow() + "?")
                .toList();
    }

    private static boolean otherServiceSection(String variable, Set<String> known) {
        String section = variable.split("_")[1];
        return SERVICE_SECTIONS.contains(section) && known.stream().noneMatch(k -> k.startsWith("HERALD_" + section + "_"));
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * Builds settings with {@code reader}; any configuration problem becomes a {@link BadConfigException}
     * whose message is a single line naming the key.
     */
    public static <T> T read(Config config, Function<Config, T> reader) {
        try {
            return reader.apply(config);
        } catch (ConfigException e) {
            throw new BadConfigException(e.getMessage().replaceAll("[\\r\\n]+", " "), e);
        }
    }

    /** Throws a {@link ConfigException.BadValue} for {@code key} unless {@code ok}. */
    public static void check(Config config, String key, boolean ok, String requirement) {
        if (!ok) {
            throw new ConfigException.BadValue(config.origin(), key, requirement);
        }
    }

    /**
     * A list, given as a list in configuration (or as system properties {@code key.0}, {@code key.1}...) or as
     * one comma-separated string (as environment variables are); absent is empty.
     */
    public static List<String> stringList(Config config, String key) {
        if (!config.hasPath(key)) {
            return List.of();
        }
        if (config.getValue(key).valueType() != ConfigValueType.STRING) {
            return config.getStringList(key);
        }
        return Arrays.stream(config.getString(key).split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    /** A configuration problem, described in one line that names the key. */
    public static final class BadConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
