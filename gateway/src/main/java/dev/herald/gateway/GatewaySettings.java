package dev.herald.gateway;

import com.nimbusds.jose.jwk.JWKSet;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import dev.herald.common.config.ConfigLoader;
import dev.herald.common.config.HttpSettings;
import dev.herald.common.config.RedisSettings;
import dev.herald.common.config.TlsSettings;
import dev.herald.gateway.auth.AuthSettings;
import dev.herald.gateway.auth.JwtSettings;
import dev.herald.gateway.auth.TopicGlobs;
import dev.herald.gateway.http.CorsHandler;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * @param trustForwardedFor take the client address from X-Forwarded-For (the entry the nearest proxy appended)
 * @param replayPageSize    entries per history read
 * @param replayReadsInFlight history reads in flight at once per gateway
 * @param replayCacheBytes  memory for shared history pages
 * @param replayMaxEvents   events one resume may replay per partition
 * @param tailerBlock       XREAD BLOCK timeout
 * @param tailerCount       XREAD COUNT
 * @param maxStreams        streams the gateway serves at once, 0 for no limit
 * @param maxStreamsPerAddress streams one client address may have open, 0 for no limit
 * @param maxHeaderSize     largest request head (request line and headers) answered other than 431
 * @param auth              subscriber authentication
 * @param corsOrigins       origins allowed cross-origin requests (normalised), none for no CORS
 */
public record GatewaySettings(RedisSettings redis, HttpSettings http, TlsSettings tls, long maxPendingBytes, Duration maxUnwritable,
                              Duration heartbeatInterval, int sendBufferBytes, Duration retry, Duration drainPeriod, int maxTopics,
                              double reconnectPerSecond, double reconnectBurst, boolean trustForwardedFor,
                              int replayPageSize, int replayReadsInFlight, long replayCacheBytes, long replayMaxEvents,
                              Duration tailerBlock, int tailerCount, int maxStreams, int maxStreamsPerAddress, int maxHeaderSize,
                              AuthSettings auth, List<String> corsOrigins) {

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
            int maxStreams = cfg.getInt(p + "limits.max-streams");
            ConfigLoader.check(cfg, p + "limits.max-streams", maxStreams >= 0, "must not be negative (0 for no limit)");
            int perAddress = cfg.getInt(p + "limits.max-streams-per-address");
            ConfigLoader.check(cfg, p + "limits.max-streams-per-address", perAddress >= 0, "must not be negative (0 for no limit)");
            long header = cfg.getBytes(p + "limits.max-header-size");
            ConfigLoader.check(cfg, p + "limits.max-header-size", header >= 4096 && header <= 1024 * 1024, "must be between 4KiB and 1MiB");
            return new GatewaySettings(redis, HttpSettings.from(cfg), TlsSettings.from(cfg), pending, unwritable, heartbeat, (int) sendBuffer,
                    retry, drain, topics, perSecond, burst, forwarded, page, inFlight, cache, maxEvents, block, count,
                    maxStreams, perAddress, (int) header, auth(cfg), corsOrigins(cfg));
        });
    }

    private static AuthSettings auth(Config c) {
        String p = "herald.auth.";
        boolean enabled = c.getBoolean(p + "enabled");
        String cookie = c.getString(p + "cookie-name");
        ConfigLoader.check(c, p + "cookie-name", cookie.matches("[A-Za-z0-9_.-]+"), "must be a cookie name (A-Z a-z 0-9 _ . -)");
        List<String> publicTopics = stringList(c, p + "public-topics");
        for (String pattern : publicTopics) {
            String problem = TopicGlobs.problemWith(pattern);
            ConfigLoader.check(c, p + "public-topics", problem == null, problem);
        }
        return new AuthSettings(enabled, cookie, TopicGlobs.of(publicTopics), enabled ? jwt(c) : null);
    }

    private static JwtSettings jwt(Config c) {
        String p = "herald.auth.jwt.";
        String secret = c.getString(p + "hs256-secret");
        byte[] secretBytes = secret.getBytes(StandardCharsets.UTF_8);
        ConfigLoader.check(c, p + "hs256-secret", secret.isEmpty() || secretBytes.length >= JwtSettings.MIN_SECRET_BYTES,
                "must be at least " + JwtSettings.MIN_SECRET_BYTES + " bytes (HS256 needs a 256-bit key)");
        String file = c.getString(p + "jwks-file");
        JWKSet jwks = null;
        if (!file.isEmpty()) {
            try {
                jwks = JWKSet.load(new File(file)).toPublicJWKSet();
            } catch (IOException | ParseException e) {
                ConfigLoader.check(c, p + "jwks-file", false, "cannot be read as a JWK set: " + e.getMessage());
            }
            ConfigLoader.check(c, p + "jwks-file", !jwks.getKeys().isEmpty(), "holds no public keys");
        }
        ConfigLoader.check(c, p + "hs256-secret", !secret.isEmpty() || jwks != null,
                "herald.auth.enabled is true, so this or herald.auth.jwt.jwks-file must be set");
        String issuer = c.getString(p + "issuer");
        String audience = c.getString(p + "audience");
        Duration skew = c.getDuration(p + "clock-skew");
        ConfigLoader.check(c, p + "clock-skew", !skew.isNegative() && skew.toMinutes() <= 10, "must be between 0 and 10 minutes");
        return new JwtSettings(secret.isEmpty() ? null : secretBytes, jwks, issuer.isEmpty() ? null : issuer,
                audience.isEmpty() ? null : audience, skew);
    }

    private static List<String> corsOrigins(Config c) {
        String key = "herald.cors.allowed-origins";
        List<String> origins = new ArrayList<>();
        for (String origin : stringList(c, key)) {
            try {
                origins.add(CorsHandler.normalize(origin));
            } catch (IllegalArgumentException e) {
                ConfigLoader.check(c, key, false, e.getMessage());
            }
        }
        return List.copyOf(origins);
    }

    /** A list, given as a list in configuration or as one comma-separated string (as environment variables are). */
    private static List<String> stringList(Config c, String key) {
        if (c.getValue(key).valueType() == ConfigValueType.LIST) {
            return c.getStringList(key);
        }
        return Arrays.stream(c.getString(key).split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    private static Duration positive(Config c, String key) {
        Duration d = c.getDuration(key);
        ConfigLoader.check(c, key, !d.isNegative() && !d.isZero(), "must be positive");
        return d;
    }
}
