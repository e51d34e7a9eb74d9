package dev.herald.publisher;

import com.typesafe.config.Config;
import dev.herald.common.config.ConfigLoader;
import dev.herald.common.config.HttpSettings;
import dev.herald.common.config.RedisSettings;
import dev.herald.publisher.stream.Retention;

/**
 * Everything the publisher reads from configuration, validated once at start.
 *
 * @param feedMaxLen      approximate MAXLEN of each partition feed
 * @param maxBodyBytes    largest request body; under 2 GiB, as a body is held in one array
 * @param maxEventBytes   largest payload of one event (UTF-8 bytes)
 * @param maxBatch        most events per batch request
 */
public record PublisherSettings(RedisSettings redis, HttpSettings http, Retention retention, long feedMaxLen,
                                int maxBodyBytes, long maxEventBytes, int maxBatch) {

    public static PublisherSettings from(Config c) {
        return ConfigLoader.read(c, cfg -> {
            long feed = cfg.getLong("herald.feed.max-len");
            ConfigLoader.check(cfg, "herald.feed.max-len", feed >= 100, "must be at least 100");
            long body = cfg.getBytes("herald.publisher.limits.max-body");
            ConfigLoader.check(cfg, "herald.publisher.limits.max-body", body >= 1024 && body < Integer.MAX_VALUE,
                    "must be at least 1KiB and less than 2GiB");
            long data = cfg.getBytes("herald.publisher.limits.max-event-data");
            ConfigLoader.check(cfg, "herald.publisher.limits.max-event-data", data >= 1 && data <= body, "must be between 1 byte and max-body");
            int batch = cfg.getInt("herald.publisher.limits.max-batch");
            ConfigLoader.check(cfg, "herald.publisher.limits.max-batch", batch >= 1 && batch <= 100_000, "must be between 1 and 100000");
            return new PublisherSettings(RedisSettings.from(cfg), HttpSettings.from(cfg), Retention.from(cfg), feed, (int) body, data, batch);
        });
    }
}
