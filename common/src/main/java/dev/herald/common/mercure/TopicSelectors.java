package dev.herald.common.mercure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Mercure topic selectors: a topic matches if a selector is {@code *}, equals it, or is a URI Template
 * that matches it. Exact selectors are a hash lookup, so a subscription to many plain topics costs one
 * lookup per topic of an update; templates are matched one by one. Immutable, shared across threads.
 */
public final class TopicSelectors {
    /** Matches nothing: the claims of a token without the {@code mercure} claim, or of no token. */
    public static final TopicSelectors NONE = new TopicSelectors(false, Set.of(), List.of());

    private final boolean all;
    private final Set<String> exact;
    private final List<UriTemplate> templates;

    private TopicSelectors(boolean all, Set<String> exact, List<UriTemplate> templates) {
        this.all = all;
        this.exact = exact;
        this.templates = templates;
    }

    /**
     * Parses selectors; a selector with braces is both an exact string and a URI Template. Throws
     * {@link IllegalArgumentException} naming the first one that is empty, too long or a malformed template.
     */
    public static TopicSelectors of(Collection<String> selectors) {
        boolean all = false;
        Set<String> exact = new HashSet<>();
        List<UriTemplate> templates = new ArrayList<>();
        for (String s : selectors) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a topic selector is empty");
            }
            if (s.length() > MercureUpdate.MAX_TOPIC_LENGTH) {
                throw new IllegalArgumentException("a topic selector is longer than " + MercureUpdate.MAX_TOPIC_LENGTH + " characters");
            }
            if (s.equals("*")) {
                all = true;
            }
            exact.add(s);
            if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
                try {
                    templates.add(UriTemplate.parse(s));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("topic selector '" + s + "' is not a valid URI Template: " + e.getMessage());
                }
            }
        }
        return new TopicSelectors(all, Set.copyOf(exact), List.copyOf(templates));
    }

    public boolean matches(String topic) {
        if (all || exact.contains(topic)) {
            return true;
        }
        for (UriTemplate t : templates) {
            if (t.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /** True if any of {@code topics} matches. */
    public boolean matchesAny(List<String> topics) {
        for (String topic : topics) {
            if (matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /** True if every one of {@code topics} matches. */
    public boolean matchesAll(List<String> topics) {
        for (String topic : topics) {
            if (!matches(topic)) {
                return false;
            }
        }
        return true;
    }
}
