package dev.herald.gateway.auth;

/**
 * Subscriber authentication ({@code herald.auth.*}).
 *
 * @param enabled      when false, every stream is open to anyone and nothing else here is used
 * @param cookieName   the cookie a token may come in
 * @param publicTopics topics that need no token
 * @param jwt          how tokens are verified (null when disabled)
 */
public record AuthSettings(boolean enabled, String cookieName, TopicGlobs publicTopics, JwtSettings jwt) {
}
