package dev.herald.publisher.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.herald.common.auth.ApiKeys;
import dev.herald.common.auth.TokenVerifier;

/**
 * {@code herald.auth.*}: whether the API requires credentials, and which it accepts.
 *
 * @param enabled whether every {@code /v1} route but the OpenAPI description needs credentials
 * @param tokens  verifies JWTs ({@code Authorization: Bearer})
 * @param apiKeys static keys ({@code Authorization: ApiKey} or {@code X-Api-Key})
 */
public record AuthSettings(boolean enabled, TokenVerifier tokens, ApiKeys apiKeys) {

    /** Refuses authentication turned on with nothing configured to authenticate against: nobody could get in. */
    public static AuthSettings from(Config c) {
        boolean enabled = c.getBoolean("herald.auth.enabled");
        TokenVerifier tokens = TokenVerifier.from(c);
        ApiKeys apiKeys = ApiKeys.from(c);
        if (enabled && !tokens.hasKeys() && apiKeys.isEmpty()) {
            throw new ConfigException.BadValue(c.origin(), "herald.auth.enabled",
                    "is true, but no herald.auth.jwt.hs256-secret, herald.auth.jwt.jwks-file or herald.auth.api-keys is set, so no request could authenticate");
        }
        return new AuthSettings(enabled, tokens, apiKeys);
    }
}
