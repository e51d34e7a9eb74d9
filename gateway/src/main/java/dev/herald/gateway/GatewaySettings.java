package dev.herald.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import dev.herald.common.auth.TokenVerifier;
import dev.herald.common.auth.TopicPatterns;
import dev.herald.common.config.ConfigLoader;
import dev.herald.common.config.HttpSettings;
import dev.herald.common.config.RedisSettings;
import dev.herald.common.config.TlsSettings;
import dev.herald.common.http.CorsPolicy;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.common.retention.RetentionPolicy;
import dev.herald.gateway.auth.AuthSettings;
import dev.herald.gateway.mercure.MercureSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything the gateway reads from configuration, validated once at start.
 *
 * @param maxPendingBytes   bytes one connection may have queued before it is shed
 * @param maxUnwritable     how long a connection may stay unwritable before it is shed
 * @param heartbeatInterval idle time before a comment frame is sent
 * @param writeWindow       least time between two live writes to one connection, 0 for none
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
 * @param maxWaitingBytes   live batch bytes that may wait for one IO thread before the tailers stop reading
 * @param overload          when the gateway counts as overloaded and how fast it sheds then
 * @param presenceInterval  how often the gateway reports its streams per topic to Redis
 * @param maxStreams        streams the gateway serves at once, 0 for no limit
 * @param maxStreamsPerAddress streams one client address may have open, 0 for no limit
 * @param maxHeaderSize     largest request head (request line and headers) answered other than 431
 * @param auth              subscriber authentication
 * @param cors              origins allowed cross-origin requests (normalised, with credentials), none for no CORS
 * @param mercure           the Mercure subscribe endpoint's settings
 */
public record GatewaySettings(RedisSettings redis, HttpSettings http, TlsSettings tls, long maxPendingBytes, Duration maxUnwritable,
                              Duration heartbeatInterval, Duration writeWindow, int sendBufferBytes, Duration retry, Duration drainPeriod, int maxTopics,
                              double reconnectPerSecond, double reconnectBurst, boolean trustForwardedFor,
                              int replayPageSize, int replayReadsInFlight, long replayCacheBytes, long replayMaxEvents,
                              Duration tailerBlock, int tailerCount, long maxWaitingBytes, Overload overload, Duration presenceInterval, int maxStreams, int maxStreamsPerAddress, int maxHeaderSize,
                              AuthSettings auth, CorsPolicy cors, MercureSettings mercure) {
    /** What a CORS preflight allows: stream requests, with what fetch-based SSE clients send beyond the safelisted headers. */
    static final List<String> CORS_METHODS = List.of("GET", "OPTIONS");
    static final List<String> CORS_HEADERS = List.of("Authorization", "Last-Event-ID", "Cache-Control");

    /**
     * @param lagBudget    delivery lag (publish to taken by an IO thread) beyond which the gateway refuses new
     *                     streams and sheds some; zero turns overload control off
     * @param shedFraction share of an overloaded IO thread's streams shed per timer tick (250 ms)
     */
    public record Overload(Duration lagBudget, double shedFraction) {
    }

    public static GatewaySettings from(Config c) {
        return ConfigLoader.read(c, cfg -> {
            RedisSettings redis = RedisSettings.from(cfg);
            String p = "herald.gateway.";
            long pending = cfg.getBytes(p + "max-pending-bytes");
            ConfigLoader.check(cfg, p + "max-pending-bytes", pending >= 4096, "must be at least 4KiB");
            Duration unwritable = positive(cfg, p + "max-unwritable");
            Duration heartbeat = positive(cfg, p + "heartbeat-interval");
            Duration writeWindow = cfg.getDuration(p + "write-window");
            ConfigLoader.check(cfg, p + "write-window", !writeWindow.isNegative() && writeWindow.compareTo(Duration.ofSeconds(1)) <= 0,
                    "must be between 0 (write at once) and 1s");
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
            long waiting = cfg.getBytes(p + "dispatch.max-waiting");
            ConfigLoader.check(cfg, p + "dispatch.max-waiting", waiting >= 64 * 1024, "must be at least 64KiB");
            Duration lagBudget = cfg.getDuration(p + "overload.lag-budget");
            ConfigLoader.check(cfg, p + "overload.lag-budget", !lagBudget.isNegative(), "must not be negative (0 turns overload control off)");
            double shedFraction = cfg.getDouble(p + "overload.shed-fraction");
            ConfigLoader.check(cfg, p + "overload.shed-fraction", shedFraction > 0 && shedFraction <= 1, "must be above 0 and at most 1");
            Duration presence = positive(cfg, p + "presence.interval");
            int maxStreams = cfg.getInt(p + "limits.max-streams");
            ConfigLoader.check(cfg, p + "limits.max-streams", maxStreams >= 0, "must not be negative (0 for no limit)");
            int perAddress = cfg.getInt(p + "limits.max-streams-per-address");
            ConfigLoader.check(cfg, p + "limits.max-streams-per-address", perAddress >= 0, "must not be negative (0 for no limit)");
            long header = cfg.getBytes(p + "limits.max-header-size");
            ConfigLoader.check(cfg, p + "limits.max-header-size", header >= 4096 && header <= 1024 * 1024, "must be between 4KiB and 1MiB");
            return new GatewaySettings(redis, HttpSettings.from(cfg), TlsSettings.from(cfg), pending, unwritable, heartbeat, writeWindow, (int) sendBuffer,
                    retry, drain, topics, perSecond, burst, forwarded, page, inFlight, cache, maxEvents, block, count,
                    waiting, new Overload(lagBudget, shedFraction), presence, maxStreams, perAddress, (int) header, auth(cfg), cors(cfg),
                    new MercureSettings(cfg.getBoolean("herald.mercure.anonymous-subscribers"), TokenVerifier.from(cfg),
                            cfg.getBoolean("herald.mercure.subscriptions"), RetentionPolicy.from(cfg).of(MercureUpdate.HERALD_TOPIC),
                            RetentionPolicy.feedMaxLen(cfg)));
        });
    }

    private static AuthSettings auth(Config c) {
        String p = "herald.auth.";
        boolean enabled = c.getBoolean(p + "enabled");
        String cookie = c.getString(p + "cookie-name");
        ConfigLoader.check(c, p + "cookie-name", cookie.matches("[A-Za-z0-9_.-]+"), "must be a cookie name (A-Z a-z 0-9 _ . -)");
        TopicPatterns publicTopics;
        try {
            publicTopics = TopicPatterns.of(ConfigLoader.stringList(c, p + "public-topics"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.origin(), p + "public-topics", e.getMessage());
        }
        if (!enabled) {
            return new AuthSettings(false, cookie, publicTopics, null, TokenVerifier.DEFAULT_CLOCK_SKEW);
        }
        TokenVerifier tokens = TokenVerifier.from(c); // validates herald.auth.jwt.*
        ConfigLoader.check(c, p + "jwt.hs256-secret", tokens.hasKeys(),
                "herald.auth.enabled is true, so this or herald.auth.jwt.jwks-file must be set");
        String skewKey = p + "jwt.clock-skew";
        Duration skew = c.hasPath(skewKey) ? c.getDuration(skewKey) : TokenVerifier.DEFAULT_CLOCK_SKEW;
        return new AuthSettings(true, cookie, publicTopics, tokens, skew);
    }

    /**
     * {@code herald.cors.*} as the shared {@link CorsPolicy} reads it, except that the gateway takes origins
     * as an operator may write them ({@link #normalizeOrigin}), also comma-separated, and refuses {@code *}:
     * listed origins get credentials, and a wildcard would hand every site its visitors' streams.
     */
    private static CorsPolicy cors(Config c) {
        String key = "herald.cors.allowed-origins";
        List<String> origins = new ArrayList<>();
        for (String origin : ConfigLoader.stringList(c, key)) {
            try {
                origins.add(normalizeOrigin(origin));
            } catch (IllegalArgumentException e) {
                ConfigLoader.check(c, key, false, e.getMessage());
            }
        }
        return CorsPolicy.from(c.withValue(key, ConfigValueFactory.fromIterable(origins)), CORS_METHODS, CORS_HEADERS, List.of());
    }

    /**
     * The origin as browsers send it in {@code Origin}: {@code scheme://host[:port]}, lower case, without a
     * default port or trailing slash.
     *
     * @throws IllegalArgumentException if {@code origin} is not an http or https origin ({@code *} included)
     */
    static String normalizeOrigin(String origin) {
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + origin + "' is not an origin: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || !(path.isEmpty() || path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + origin + "' is not an origin: expected http(s)://host[:port], and no wildcard");
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private static Duration positive(Config c, String key) {
        Duration d = c.getDuration(key);
        ConfigLoader.check(c, key, !d.isNegative() && !d.isZero(), "must be positive");
        return d;
    }
}
