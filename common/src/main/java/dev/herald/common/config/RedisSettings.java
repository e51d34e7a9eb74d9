package dev.herald.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.herald.common.redis.KeyLayout;
import dev.herald.common.topic.Partitioner;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where Redis is and how Herald lays out its keys there: the {@code herald.redis.*},
 * {@code herald.partitions} and {@code herald.key-prefix} keys.
 *
 * @param uris             parsed by Lettuce (redis://, rediss://, redis-sentinel://); several only in cluster mode
 * @param cluster          true for Redis Cluster
 * @param commandTimeout   how long a command may wait for its answer
 * @param requestQueueSize commands buffered while disconnected before new ones are rejected
 * @param partitions       topic partitioning
 * @param keys             Redis key names
 */
public record RedisSettings(List<RedisURI> uris, boolean cluster, Duration commandTimeout, int requestQueueSize,
                            Partitioner partitions, KeyLayout keys) {

    public RedisSettings {
        uris = List.copyOf(uris);
    }

    /** The (first) Redis URI, for logs and single-node modes. */
    public RedisURI uri() {
        return uris.get(0);
    }

    public static RedisSettings from(Config c) {
        String mode = c.getString("herald.redis.mode");
        ConfigLoader.check(c, "herald.redis.mode", mode.equals("standalone") || mode.equals("cluster"), "must be standalone or cluster");
        boolean cluster = mode.equals("cluster");
        String uriText = c.getString("herald.redis.uri");
        List<RedisURI> uris = new ArrayList<>();
        for (String one : cluster ? uriText.split(",") : new String[]{uriText}) {
            try {
                uris.add(RedisURI.create(one.strip()));
            } catch (RuntimeException e) {
                throw new ConfigException.BadValue(c.origin(), "herald.redis.uri",
                        "'" + one + "' is not a Redis URI (" + e.getMessage() + ")");
            }
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
        return new RedisSettings(uris, cluster, timeout, queue, new Partitioner(partitions), new KeyLayout(prefix));
    }
}
