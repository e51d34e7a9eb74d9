package dev.herald.gateway.mercure;

import dev.herald.common.mercure.MercureGrant;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.common.mercure.TopicSelectors;
import dev.herald.gateway.connection.FrameFilter;
import dev.herald.gateway.dispatch.SharedFrame;

/**
 * The updates one Mercure stream receives: those with a topic its selectors match, and if private, with a
 * topic its token's {@code mercure.subscribe} selectors match. Immutable; called on the stream's IO thread.
 */
final class MercureFilter implements FrameFilter {
    private final TopicSelectors selectors;
    private final TopicSelectors privateAllowed;

    /** @param grant the subscriber's token, or {@code null} for an anonymous subscriber */
    MercureFilter(TopicSelectors selectors, MercureGrant grant) {
        this.selectors = selectors;
        this.privateAllowed = grant == null ? TopicSelectors.NONE : grant.subscribe();
    }

    @Override
    public boolean accepts(SharedFrame frame) {
        MercureUpdate.Audience update = frame.mercure();
        return update != null && selectors.matchesAny(update.topics())
                && (!update.privateUpdate() || privateAllowed.matchesAny(update.topics()));
    }
}
