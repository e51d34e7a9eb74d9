package dev.herald.publisher;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.herald.common.config.ConfigLoader;
import dev.herald.common.config.HttpSettings;
import dev.herald.common.config.RedisSettings;
import dev.herald.common.config.TlsSettings;
import dev.herald.common.http.CorsPolicy;
import dev.herald.publisher.auth.AuthSettings;
import dev.herald.publisher.stream.QueueLimits;
import dev.herald.common.retention.RetentionPolicy;
import java.time.Duration;
import java.util.List;

/**
 * Everything the publisher reads from configuration, validated once at start.
 *
 * @param retention         per-topic history retention: defaults and overrides by topic pattern
 * @param feedMaxLen        approximate MAXLEN of each partition feed
 * @param maxBodyBytes      largest request body; under 2 GiB, as a body is held in one array
 * @param maxEventBytes     largest payload of one event (UTF-8 bytes)
 * @param maxBatch          most events per batch request
 * @param maxHeaderBytes    largest request line and headers answered in JSON ({@code 431} beyond)
 * @param queueLimits       bounds of each partition's queue of appends waiting for Redis, and each request's deadline
 * @param idempotencyWindow how long an idempotency key is remembered after its first publish
 * @param minReplicaAcks    replicas that must confirm each publish before it is answered; 0 for none
 * @param replicaAckTimeout how long to wait for them
 * @param shutdownGrace     how long a stopping publisher lets requests in flight finish
 */
public record PublisherSettings(RedisSettings redis, HttpSettings http, TlsSettings tls, RetentionPolicy retention, long feedMaxLen,
                                int maxBodyBytes, long maxEventBytes, int maxBatch, int maxHeaderBytes, QueueLimits queueLimits, Duration idempotencyWindow,
                                int minReplicaAcks, Duration replicaAckTimeout, Duration shutdownGrace, AuthSettings auth, CorsPolicy cors) {
    /** What browsers may send and read, for CORS. */
    static final List<String> CORS_METHODS = List.of("POST", "GET", "DELETE", "OPTIONS");
    static final List<String> CORS_HEADERS = List.of("Authorization", "Content-Type", "Idempotency-Key", "X-Api-Key");
    static final List<String> CORS_EXPOSED = List.of("Retry-After", "WWW-Authenticate");

    public static PublisherSettings from(Config c) {
        return ConfigLoader.read(c, cfg -> {
            RedisSettings redis = RedisSettings.from(cfg);
            long feed = RetentionPolicy.feedMaxLen(cfg);
            long body = cfg.getBytes("herald.publisher.limits.max-body");
            ConfigLoader.check(cfg, "herald.publisher.limits.max-body", body >= 1024 && body < Integer.MAX_VALUE,
                    "must be at least 1KiB and less than 2GiB");
            long data = cfg.getBytes("herald.publisher.limits.max-event-data");
            ConfigLoader.check(cfg, "herald.publisher.limits.max-event-data", data >= 1 && data <= body, "must be between 1 byte and max-body");
            int batch = cfg.getInt("herald.publisher.limits.max-batch");
            ConfigLoader.check(cfg, "herald.publisher.limits.max-batch", batch >= 1 && batch <= 100_000, "must be between 1 and 100000");
            long header = cfg.getBytes("herald.publisher.limits.max-header-size");
            ConfigLoader.check(cfg, "herald.publisher.limits.max-header-size", header >= 4096 && header <= 1024 * 1024,
                    "must be between 4KiB and 1MiB");
            int queueEvents = cfg.getInt("herald.publisher.limits.queue-events");
            ConfigLoader.check(cfg, "herald.publisher.limits.queue-events", queueEvents >= 1, "must be at least 1");
            long queueBytes = cfg.getBytes("herald.publisher.limits.queue-bytes");
            ConfigLoader.check(cfg, "herald.publisher.limits.queue-bytes", queueBytes >= 1, "must be at least 1 byte");
            Duration requestTimeout = cfg.getDuration("herald.publisher.limits.request-timeout");
            ConfigLoader.check(cfg, "herald.publisher.limits.request-timeout",
                    requestTimeout.toMillis() >= 10 && requestTimeout.compareTo(Duration.ofMinutes(10)) <= 0, "must be between 10ms and 10m");
            Duration window = cfg.getDuration("herald.publisher.idempotency.window");
            ConfigLoader.check(cfg, "herald.publisher.idempotency.window",
                    window.compareTo(Duration.ofSeconds(1)) >= 0 && window.compareTo(Duration.ofDays(30)) <= 0, "must be between 1s and 30d");
            int acks = cfg.getInt("herald.publisher.min-replica-acks");
            ConfigLoader.check(cfg, "herald.publisher.min-replica-acks", acks >= 0 && acks <= 100, "must be between 0 and 100");
            if (acks > 0 && redis.cluster()) {
                throw new ConfigException.BadValue(cfg.origin(), "herald.publisher.min-replica-acks",
                        "must be 0 with herald.redis.mode = cluster: WAIT is only supported for a standalone or Sentinel-managed Redis");
            }
            Duration ackTimeout = cfg.getDuration("herald.publisher.replica-ack-timeout");
            ConfigLoader.check(cfg, "herald.publisher.replica-ack-timeout",
                    ackTimeout.toMillis() >= 1 && ackTimeout.compareTo(redis.commandTimeout()) < 0,
                    "must be at least 1ms and shorter than herald.redis.command-timeout");
            Duration grace = cfg.getDuration("herald.publisher.shutdown-grace");
            ConfigLoader.check(cfg, "herald.publisher.shutdown-grace", !grace.isNegative() && grace.compareTo(Duration.ofMinutes(1)) <= 0,
                    "must be between 0 and 1m");
            return new PublisherSettings(redis, HttpSettings.from(cfg), TlsSettings.from(cfg), RetentionPolicy.from(cfg), feed, (int) body, data, batch,
                    (int) header, new QueueLimits(queueEvents, queueBytes, requestTimeout), window, acks, ackTimeout, grace, AuthSettings.from(cfg),
                    CorsPolicy.from(cfg, CORS_METHODS, CORS_HEADERS, CORS_EXPOSED));
        });
    }
}
