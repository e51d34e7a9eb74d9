package dev.herald.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Loads Typesafe Config (defaults from every {@code reference.conf}, then {@code application.conf}, then
 * system properties) and turns it into a settings object, so that a bad value fails the start with one
 * line that names the key.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** The effective configuration for this process. */
    public static Config load() {
        ConfigFactory.invalidateCaches();
        return ConfigFactory.load();
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
