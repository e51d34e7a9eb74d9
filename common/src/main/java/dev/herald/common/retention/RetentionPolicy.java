package dev.herald.common.retention;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.herald.common.auth.TopicPattern;
import dev.herald.common.config.ConfigLoader;
import dev.herald.common.topic.Topic;
import java.util.ArrayList;
import java.util.List;

/**
 * The retention of each topic: the first override whose glob pattern matches the topic, else the default.
 * Overrides are kept in configuration order and matched on every publish; they are few and a match is a
 * short loop over at most 200 characters, so nothing is cached.
 */
public final class RetentionPolicy {
    /** One override: topics matching {@code pattern} keep {@code retention}. */
    public record Override(TopicPattern pattern, Retention retention) {
    }

    private final Retention defaults;
    private final List<Override> overrides;

    public RetentionPolicy(Retention defaults, List<Override> overrides) {
        this.defaults = defaults;
        this.overrides = List.copyOf(overrides);
    }

    /**
     * Reads {@code herald.retention.max-len}, {@code .max-age} and the list {@code .overrides}, whose items are
     * {@code { pattern = "chat.*", max-len = 1000, max-age = 1h }}; an item without {@code max-len} or
     * {@code max-age} keeps the default's.
     */
    public static RetentionPolicy from(Config c) {
        Retention defaults = Retention.from(c, "herald.retention", null);
        List<Override> overrides = new ArrayList<>();
        List<? extends Config> items = c.getConfigList("herald.retention.overrides");
        for (int i = 0; i < items.size(); i++) {
            String where = "herald.retention.overrides[" + i + "]";
            Config item = items.get(i);
            String glob = item.hasPath("pattern") ? item.getString("pattern") : "";
            String problem = TopicPattern.problemWith(glob);
            if (problem != null) {
                throw new ConfigException.BadValue(c.origin(), where + ".pattern", problem);
            }
            try {
                overrides.add(new Override(TopicPattern.of(glob), Retention.from(item, "", defaults)));
            } catch (ConfigException.Missing | ConfigException.BadValue | ConfigException.WrongType e) {
                throw new ConfigException.BadValue(c.origin(), where, e.getMessage());
            }
        }
        return new RetentionPolicy(defaults, overrides);
    }

    /** {@code herald.feed.max-len}: the approximate MAXLEN of each partition feed, at least 100. */
    public static long feedMaxLen(Config c) {
        long feed = c.getLong("herald.feed.max-len");
        ConfigLoader.check(c, "herald.feed.max-len", feed >= 100, "must be at least 100");
        return feed;
    }

    public Retention defaults() {
        return defaults;
    }

    public List<Override> overrides() {
        return overrides;
    }

    public Retention of(Topic topic) {
        for (Override override : overrides) {
            if (override.pattern().matches(topic)) {
                return override.retention();
            }
        }
        return defaults;
    }
}
