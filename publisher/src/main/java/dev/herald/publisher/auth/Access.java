package dev.herald.publisher.auth;

import dev.herald.common.auth.Grant;
import dev.herald.common.auth.TopicPattern;
import dev.herald.common.topic.Topic;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.Collection;

/**
 * The grant of the request being handled, and the topic checks made against it. Routes call these after
 * parsing and before touching Redis, so a refused request appends nothing. A route reached without a grant
 * is a wiring bug and fails closed.
 */
public final class Access {
    static final AttachmentKey<Grant> GRANT = AttachmentKey.create(Grant.class);

    private Access() {
    }

    public static Grant grant(HttpServerExchange exchange) {
        Grant grant = exchange.getAttachment(GRANT);
        if (grant == null) {
            throw new IllegalStateException("no grant for " + exchange.getRequestPath() + ": the route is not behind the auth handler");
        }
        return grant;
    }

    /** Throws {@link AccessDeniedException} unless the request may publish to every one of {@code topics}. */
    public static void requirePublish(HttpServerExchange exchange, Collection<Topic> topics) {
        Grant grant = grant(exchange);
        for (Topic topic : topics) {
            if (!grant.mayPublish(topic)) {
                throw new AccessDeniedException("'" + grant.subject() + "' may not publish to topic '" + topic + "'");
            }
        }
    }

    /**
     * Throws {@link AccessDeniedException} unless the request may publish to every topic (its publish patterns
     * include {@code *}): what acting on streams of any topic, such as disconnecting a subject, needs.
     */
    public static void requirePublishToAll(HttpServerExchange exchange) {
        Grant grant = grant(exchange);
        if (!grant.publish().patterns().contains(TopicPattern.of("*"))) {
            throw new AccessDeniedException("'" + grant.subject() + "' may not publish to every topic ('*')");
        }
    }

    /** Throws {@link AccessDeniedException} unless the request may publish or subscribe to {@code topic}. */
    public static void requireAny(HttpServerExchange exchange, Topic topic) {
        Grant grant = grant(exchange);
        if (!grant.mayPublish(topic) && !grant.maySubscribe(topic)) {
            throw new AccessDeniedException("'" + grant.subject() + "' may neither publish nor subscribe to topic '" + topic + "'");
        }
    }
}
