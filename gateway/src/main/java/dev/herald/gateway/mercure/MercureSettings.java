package dev.herald.gateway.mercure;

import dev.herald.common.auth.TokenVerifier;
import dev.herald.common.retention.Retention;

/**
 * {@code herald.mercure.*} on the gateway.
 *
 * @param anonymousSubscribers whether a subscriber without a token is served (public updates only)
 * @param tokens               verifies Mercure tokens ({@code herald.auth.jwt.*}); refuses every token without keys
 * @param subscriptionsApi     whether active subscriptions are kept in Redis, served by the subscriptions API and
 *                             announced by subscription events
 * @param retention            the Mercure topic's retention ({@code herald.retention.*}), for subscription events
 * @param feedMaxLen           {@code herald.feed.max-len}, for subscription events
 */
public record MercureSettings(boolean anonymousSubscribers, TokenVerifier tokens, boolean subscriptionsApi, Retention retention, long feedMaxLen) {
}
