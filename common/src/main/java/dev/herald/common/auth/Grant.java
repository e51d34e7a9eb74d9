package dev.herald.common.auth;

import dev.herald.common.topic.Topic;
import java.time.Instant;
import java.util.Objects;

/**
 * What verified credentials allow: the topics their holder may publish to and subscribe to. Immutable, so
 * a service may keep it for the life of a request or a stream.
 *
 * @param subject   who holds the credentials: a token's {@code sub} (empty if it has none) or an API key's name
 * @param tokenId   a token's {@code jti}, by which it can be revoked; {@code null} if it has none (and for API keys)
 * @param expiresAt when a token stops being valid (its {@code exp}, without clock skew); {@code null} for
 *                  credentials that do not expire (API keys, and the grant of a service without authentication)
 * @param publish   topics the holder may publish to
 * @param subscribe topics the holder may subscribe to
 */
public record Grant(String subject, String tokenId, Instant expiresAt, TopicPatterns publish, TopicPatterns subscribe) {
    /** Everything, for everyone: what a service with authentication turned off grants every request. */
    public static final Grant UNRESTRICTED = new Grant("anonymous", null, null, TopicPatterns.ALL, TopicPatterns.ALL);

    public Grant {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(publish, "publish");
        Objects.requireNonNull(subscribe, "subscribe");
    }

    public boolean mayPublish(Topic topic) {
        return publish.matches(topic);
    }

    public boolean maySubscribe(Topic topic) {
        return subscribe.matches(topic);
    }
}
