package dev.herald.gateway.auth;

import java.time.Instant;

/**
 * What a verified token allows a subscriber.
 *
 * @param subject   who the token was issued to (for logs), or null
 * @param expiresAt when the gateway stops honouring the token: an open stream is ended then
 * @param subscribe the topics the holder may subscribe to
 */
public record SubscriberGrant(String subject, Instant expiresAt, TopicGlobs subscribe) {
    public boolean maySubscribe(String topic) {
        return subscribe.matches(topic);
    }
}
