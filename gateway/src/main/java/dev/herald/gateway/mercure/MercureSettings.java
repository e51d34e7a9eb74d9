package dev.herald.gateway.mercure;

import dev.herald.common.auth.TokenVerifier;

/**
 * {@code herald.mercure.*} on the gateway.
 *
 * @param anonymousSubscribers whether a subscriber without a token is served (public updates only)
 * @param tokens               verifies Mercure tokens ({@code herald.auth.jwt.*}); refuses every token without keys
 * @param subscriptionsApi     whether active subscriptions are kept in Redis and served by the subscriptions API
 */
public record MercureSettings(boolean anonymousSubscribers, TokenVerifier tokens, boolean subscriptionsApi) {
}
