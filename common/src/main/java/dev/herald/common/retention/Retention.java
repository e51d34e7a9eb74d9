package dev.herald.common.retention;

import com.typesafe.config.Config;
import dev.herald.common.config.ConfigLoader;
import java.time.Duration;

/**
 * How much of a topic's history is kept: at most about {@code maxLen} entries (0: no length limit), and none
 * older than {@code maxAge} (zero: no age limit). At least one limit is set, so no history grows without
 * bound. Applied by the publish script on every append, in whole milliseconds like stream IDs, so a
 * non-zero age under 1 ms is refused: it would silently mean none.
 *
 * <p>Trimming runs only when a topic is published to, so a history also expires as a whole {@link #ttl()}
 * after its last append: otherwise every per-user or per-session topic would stay in Redis for good.
 *
 * @param idleTtl how long a history without {@code maxAge} stays after its last append (zero: for good)
 */
public record Retention(long maxLen, Duration maxAge, Duration idleTtl) {

    /**
     * How long the history stays after its last append: {@code maxAge} when set (by then every entry is older
     * than it, so dropping the key drops nothing that trimming would keep), else {@code idleTtl}; zero for never.
     */
    public Duration ttl() {
        return maxAge.isZero() ? idleTtl : maxAge;
    }

    /**
     * Reads {@code max-len}, {@code max-age} and {@code idle-ttl} under {@code path} ({@code ""} for the top of
     * {@code c}); each may be absent when {@code inherited} is given, which then supplies its value.
     */
    static Retention from(Config c, String path, Retention inherited) {
        String lenKey = path.isEmpty() ? "max-len" : path + ".max-len";
        String ageKey = path.isEmpty() ? "max-age" : path + ".max-age";
        String ttlKey = path.isEmpty() ? "idle-ttl" : path + ".idle-ttl";
        long maxLen = c.hasPath(lenKey) || inherited == null ? c.getLong(lenKey) : inherited.maxLen();
        ConfigLoader.check(c, lenKey, maxLen >= 0, "must be 0 (no length limit) or more");
        Duration maxAge = c.hasPath(ageKey) || inherited == null ? c.getDuration(ageKey) : inherited.maxAge();
        ConfigLoader.check(c, ageKey, maxAge.isZero() || maxAge.toMillis() >= 1, "must be 0 (no age limit) or at least 1ms");
        ConfigLoader.check(c, path.isEmpty() ? "max-len" : path, maxLen > 0 || !maxAge.isZero(), "needs max-len or max-age: without either a history grows without bound");
        Duration idleTtl = c.hasPath(ttlKey) || inherited == null ? c.getDuration(ttlKey) : inherited.idleTtl();
        ConfigLoader.check(c, ttlKey, idleTtl.isZero() || idleTtl.toMillis() >= 1, "must be 0 (never expire) or at least 1ms");
        return new Retention(maxLen, maxAge, idleTtl);
    }
}
