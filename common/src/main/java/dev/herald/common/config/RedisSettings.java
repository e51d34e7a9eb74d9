package dev.herald.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.herald.common.redis.KeyLayout;
import dev.herald.common.topic.Partitioner;
import io.lettuce.core.RedisURI;
import java.time.Duration;

/**
 * Where Redis is and how Herald lays out its keys there: the {@code herald.redis.*},
 * {@code herald.partitions} and {@code herald.key-prefix} keys.
 *
 * @param uri              parsed by Lettuce (redis://, rediss://, redis-sentinel://)
 * @param commandTimeout   how long a command may wait for its answer
 * @param requestQueueSize commands buffered while disconnected before new ones are rejected
 * @param partitions       topic partitioning
 * @param keys             Redis key names
 */
public record RedisSettings(RedisURI uri, Duration commandTimeout, int requestQueueSize,
                            Partitioner partitions, KeyLayout keys) {

    public static RedisSettings from(Config c) {
        String uriText = c.getString("herald.redis.uri");
        RedisURI uri;
        try {
            uri = RedisURI.create(uriText);
        } catch (RuntimeException e) {
            throw new ConfigException.BadValue(c.origin(), "herald.redis.uri",
                    "'" + uriText + "' is not a Redis URI (" + e.getMessage() + ")");
        }
        Duration timeout = c.getDuration("herald.redis.command-timeout");
        ConfigLoader.check(c, "herald.redis.command-timeout", !timeout.isNegative() && !timeout.isZero(), "must be positive");
        int queue = c.getInt("herald.redis.request-queue-size");
        ConfigLoader.check(c, "herald.redis.request-queue-size", queue > 0, "must be positive");
        int partitions = c.getInt("herald.partitions");
        ConfigLoader.check(c, "herald.partitions", partitions >= 1 && partitions <= 1024, "must be between 1 and 1024");
        String prefix = c.getString("herald.key-prefix");
        ConfigLoader.check(c, "herald.key-prefix", !prefix.isEmpty() && !prefix.contains("{") && !prefix.contains("}"),
                "must be non-empty and contain no braces");
        return new RedisSettings(uri, timeout, queue, new Partitioner(partitions), new KeyLayout(prefix));
    }
}
