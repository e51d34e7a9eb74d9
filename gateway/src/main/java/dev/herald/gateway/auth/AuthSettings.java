package dev.herald.gateway.auth;

import dev.herald.common.auth.TokenVerifier;
import dev.herald.common.auth.TopicPatterns;
import java.time.Duration;

/**
 * Subscriber authentication ({@code herald.auth.*}). Tokens are verified by the shared
 * {@link TokenVerifier} ({@code herald.auth.jwt.*}); what is the gateway's own is where a token may come
 * from, which topics need none, and how long an open stream outlives its token's {@code exp}.
 *
 * @param enabled      when false, every stream is open to anyone and nothing else here is used
 * @param cookieName   the cookie a token may come in
 * @param publicTopics topics that need no token
 * @param tokens       verifies subscriber JWTs (null when disabled)
 * @param clockSkew    {@code herald.auth.jwt.clock-skew}: the verifier accepts a token until {@code exp} plus
 *                     this, so a stream is kept open as long
 */
public record AuthSettings(boolean enabled, String cookieName, TopicPatterns publicTopics, TokenVerifier tokens, Duration clockSkew) {
}
