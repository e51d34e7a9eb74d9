package dev.herald.common.auth;

import com.typesafe.config.Config;

/**
 * Reading of the optional {@code herald.auth.*} keys. They are optional rather than defaulted in a
 * {@code reference.conf}, so a service that never configures authentication needs no entry for them.
 */
final class AuthConfig {
    private AuthConfig() {
    }

    /** The value at {@code key}, or {@code null} when it is absent, null or blank. */
    static String optionalString(Config c, String key) {
        if (!c.hasPath(key)) {
            return null;
        }
        String value = c.getString(key);
        return value.isBlank() ? null : value.strip();
    }
}
