package dev.herald.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
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

    /** A configuration problem, described in one line that names the key. */
    public static final class BadConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
