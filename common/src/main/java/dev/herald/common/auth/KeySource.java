package dev.herald.common.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys tokens are checked against, kept current so keys can rotate without a restart: the HS256
 * secret (fixed), a JWK set file (re-read when its modification time changes, looked at no more than once a
 * second), and a JWK set URL, as identity providers publish them (fetched at start, every
 * {@code jwks-refresh}, and when a token names a {@code kid} no key has — at most once per
 * {@code jwks-min-refresh}, so tokens with made-up {@code kid}s cannot make the service hammer the provider).
 *
 * <p>Thread-safe: the current keys are one immutable snapshot in a volatile; refreshes are serialised by a
 * lock that verification never waits on unless it asked for a fetch itself. A fetch on an unknown {@code kid}
 * runs on the verifying thread (bounded by a 2 s timeout and the rate limit), because a browser refused with
 * 401 gives up for good, so making the new key's first users wait is better than refusing them.
 */
public final class KeySource {
    private static final Logger LOG = LoggerFactory.getLogger(KeySource.class);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);
    static final Duration DEFAULT_MIN_REFRESH = Duration.ofSeconds(30);
    private static final long FILE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A JWK set larger than this is refused: a few hundred keys at most. */
    private static final int MAX_JWKS_BYTES = 1 << 20;

    private final VerificationKeys fixed;
    private final Path file;
    private final URI url;
    private final long minRefreshNanos;
    private final HttpClient http;
    private volatile VerificationKeys current;
    private VerificationKeys fromFile = VerificationKeys.NONE;
    private VerificationKeys fromUrl = VerificationKeys.NONE;
    private FileTime fileStamp;
    private volatile long fileCheckedNanos;
    private long lastFetchNanos;
    private boolean fetched;

    private KeySource(VerificationKeys fixed, Path file, URI url, Duration refresh, Duration minRefresh) {
        this.fixed = fixed;
        this.file = file;
        this.url = url;
        this.minRefreshNanos = minRefresh.toNanos();
        this.http = url == null ? null : HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT).build();
        this.current = fixed;
        if (file != null) {
            readFileIfChanged();
        }
        if (url != null) {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "herald-jwks-refresh");
                t.setDaemon(true);
                return t;
            });
            refresh(true);
            timer.scheduleWithFixedDelay(() -> refresh(true), refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Keys that never change. */
    public static KeySource fixed(VerificationKeys keys) {
        return new KeySource(keys, null, null, Duration.ZERO, Duration.ZERO);
    }

    /**
     * Reads {@code herald.auth.jwt.hs256-secret}, {@code .jwks-file}, {@code .jwks-url}, {@code .jwks-refresh}
     * and {@code .jwks-min-refresh}. A file that cannot be read or parsed at start, or a URL that is not
     * http(s), stops the start ({@link ConfigException}); a provider that cannot be reached at start is
     * logged and tried again on every refresh.
     */
    public static KeySource from(Config c) {
        String file = AuthConfig.optionalString(c, "herald.auth.jwt.jwks-file");
        String url = AuthConfig.optionalString(c, "herald.auth.jwt.jwks-url");
        URI uri = null;
        if (url != null) {
            uri = URI.create(url);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new ConfigException.BadValue(c.origin(), "herald.auth.jwt.jwks-url", "must be an http or https URL, was " + url);
            }
        }
        Duration refresh = duration(c, "herald.auth.jwt.jwks-refresh", DEFAULT_REFRESH);
        Duration minRefresh = duration(c, "herald.auth.jwt.jwks-min-refresh", DEFAULT_MIN_REFRESH);
        if (refresh.compareTo(Duration.ofSeconds(1)) < 0 && uri != null) {
            throw new ConfigException.BadValue(c.origin(), "herald.auth.jwt.jwks-refresh", "must be at least 1s");
        }
        try {
            return new KeySource(VerificationKeys.secret(c), file == null ? null : Path.of(file), uri, refresh, minRefresh);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.origin(), "herald.auth.jwt.jwks-file", file + ": " + e.getMessage());
        }
    }

    private static Duration duration(Config c, String key, Duration otherwise) {
        return c.hasPath(key) ? c.getDuration(key) : otherwise;
    }

    /** True if tokens can ever verify: a secret, a file or a URL is configured. */
    public boolean configured() {
        return !fixed.isEmpty() || file != null || url != null;
    }

    /** The keys now; picks up a changed key file (looked at no more than once a second). */
    public VerificationKeys current() {
        if (file != null && System.nanoTime() - fileCheckedNanos > FILE_CHECK_NANOS) {
            synchronized (this) {
                readFileIfChanged();
            }
        }
        return current;
    }

    /** The keys after fetching the URL again, for a token whose {@code kid} no key has; rate-limited. */
    public VerificationKeys afterUnknownKeyId() {
        if (url != null) {
            refresh(false);
        }
        return current;
    }

    private synchronized void refresh(boolean scheduled) {
        long now = System.nanoTime();
        if (!scheduled && fetched && now - lastFetchNanos < minRefreshNanos) {
            return;
        }
        fetched = true;
        lastFetchNanos = now;
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).timeout(FETCH_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200 || r.body().length > MAX_JWKS_BYTES) {
                throw new IOException("answered " + r.statusCode() + " with " + r.body().length + " bytes");
            }
            fromUrl = VerificationKeys.parseJwks(new String(r.body(), StandardCharsets.UTF_8));
            publish();
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("cannot refresh the JWK set from {}: {}; keeping the keys fetched before", url, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Caller holds the lock (or is the constructor). */
    private void readFileIfChanged() {
        fileCheckedNanos = System.nanoTime();
        try {
            FileTime stamp = Files.getLastModifiedTime(file);
            if (stamp.equals(fileStamp)) {
                return;
            }
            VerificationKeys keys = VerificationKeys.parseJwks(Files.readString(file, StandardCharsets.UTF_8));
            boolean first = fileStamp == null;
            fileStamp = stamp;
            fromFile = keys;
            publish();
            if (!first) {
                LOG.info("re-read the JWK set file {}", file);
            }
        } catch (IOException | IllegalArgumentException e) {
            if (fileStamp == null) {
                throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
            }
            LOG.warn("cannot re-read the JWK set file {}: {}; keeping its previous keys", file, e.toString());
        }
    }

    private void publish() {
        current = fixed.and(fromFile).and(fromUrl);
    }
}
