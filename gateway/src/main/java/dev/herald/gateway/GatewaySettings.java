package dev.herald.gateway;

import com.typesafe.config.Config;
import dev.herald.common.config.ConfigLoader;
import dev.herald.common.config.HttpSettings;
import dev.herald.common.config.RedisSettings;
import dev.herald.common.config.TlsSettings;
import java.time.Duration;

/**
 * Everything the gateway reads from configuration, validated once at start.
 *
 * @param maxPendingBytes   bytes one connection may have queued before it is shed
 * @param maxUnwritable     how long a connection may stay unwritable before it is shed
 * @param heartbeatInterval idle time before a comment frame is sent
 * @param sendBufferBytes   SO_SNDBUF of client sockets, 0 for the OS default
 * @param retry             reconnection hint sent when a stream opens (jittered when streams are closed)
 * @param drainPeriod       how long a graceful drain spreads the closing of streams
 * @param maxTopics         most topics per stream
 * @param reconnectPerSecond streams one address may open per second, 0 for no limit
 * @param reconnectBurst    how many it may open at once
 * @param trustForwardedFor take the client address from X-Forwarded-For
 * @param replayPageSize    entries per history read
 * @param replayReadsInFlight history reads in flight at once per gateway
 * @param replayCacheBytes  memory for shared history pages
 * @param replayMaxEvents   events one resume may replay per partition
 * @param tailerBlock       XREAD BLOCK timeout
 * @param tailerCount       XREAD COUNT
 */
public record GatewaySettings(RedisSettings redis, HttpSettings http, TlsSettings tls, long maxPendingBytes, Duration maxUnwritable,
                              Duration heartbeatInterval, int sendBufferBytes, Duration retry, Duration drainPeriod, int maxTopics,
                              double reconnectPerSecond, double reconnectBurst, boolean trustForwardedFor,
                              int replayPageSize, int replayReadsInFlight, long replayCacheBytes, long replayMaxEvents,
                              Duration tailerBlock, int tailerCount) {

    public static GatewaySettings from(Config c) {
        return ConfigLoader.read(c, cfg -> {
            RedisSettings redis = RedisSettings.from(cfg);
            String p = "herald.gateway.";
            long pending = cfg.getBytes(p + "max-pending-bytes");
            ConfigLoader.check(cfg, p + "max-pending-bytes", pending >= 4096, "must be at least 4KiB");
            Duration unwritable = positive(cfg, p + "max-unwritable");
            Duration heartbeat = positive(cfg, p + "heartbeat-interval");
            long sendBuffer = cfg.getBytes(p + "send-buffer");
            ConfigLoader.check(cfg, p + "send-buffer", sendBuffer >= 0 && sendBuffer <= 64 * 1024 * 1024, "must be between 0 (OS default) and 64MiB");
            Duration retry = positive(cfg, p + "retry");
            Duration drain = positive(cfg, p + "drain.period");
            int topics = cfg.getInt(p + "max-topics-per-stream");
            ConfigLoader.check(cfg, p + "max-topics-per-stream", topics >= 1 && topics <= 10_000, "must be between 1 and 10000");
            double perSecond = cfg.getDouble(p + "reconnect-limit.per-second");
            ConfigLoader.check(cfg, p + "reconnect-limit.per-second", perSecond >= 0, "must not be negative");
            double burst = cfg.getDouble(p + "reconnect-limit.burst");
            ConfigLoader.check(cfg, p + "reconnect-limit.burst", burst >= 1, "must be at least 1");
            boolean forwarded = cfg.getBoolean(p + "reconnect-limit.trust-forwarded-for");
            int page = cfg.getInt(p + "replay.page-size");
            ConfigLoader.check(cfg, p + "replay.page-size", page >= 1 && page <= 100_000, "must be between 1 and 100000");
            int inFlight = cfg.getInt(p + "replay.max-reads-in-flight");
            ConfigLoader.check(cfg, p + "replay.max-reads-in-flight", inFlight >= 1 && inFlight <= 1024, "must be between 1 and 1024");
            long cache = cfg.getBytes(p + "replay.cache-size");
            ConfigLoader.check(cfg, p + "replay.cache-size", cache >= 0, "must not be negative");
            long maxEvents = cfg.getLong(p + "replay.max-events");
            ConfigLoader.check(cfg, p + "replay.max-events", maxEvents >= 1, "must be at least 1");
            Duration block = positive(cfg, p + "tailer.block");
            ConfigLoader.check(cfg, p + "tailer.block", block.compareTo(redis.commandTimeout()) < 0,
                    "must be shorter than herald.redis.command-timeout");
            int count = cfg.getInt(p + "tailer.count");
            ConfigLoader.check(cfg, p + "tailer.count", count >= 1 && count <= 100_000, "must be between 1 and 100000");
            return new GatewaySettings(redis, HttpSettings.from(cfg), TlsSettings.from(cfg), pending, unwritable, heartbeat, (int) sendBuffer,
                    retry, drain, topics, perSecond, burst, forwarded, page, inFlight, cache, maxEvents, block, count);
        });
    }

    private static Duration positive(Config c, String key) {
        Duration d = c.getDuration(key);
        ConfigLoader.check(c, key, !d.isNegative() && !d.isZero(), "must be positive");
        return d;
    }
}
