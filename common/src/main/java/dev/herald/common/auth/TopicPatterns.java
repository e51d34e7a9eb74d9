package dev.herald.common.auth;

import dev.herald.common.topic.Topic;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** An immutable list of {@link TopicPattern}s; a topic matches the list if it matches any of them. */
public final class TopicPatterns {
    /** Matches nothing: what a credential without the claim or setting gets. */
    public static final TopicPatterns NONE = new TopicPatterns(List.of());
    /** Matches every topic. */
    public static final TopicPatterns ALL = new TopicPatterns(List.of(TopicPattern.of("*")));

    private final List<TopicPattern> patterns;

    private TopicPatterns(List<TopicPattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** Parses globs; throws {@link IllegalArgumentException} naming the first bad one. */
    public static TopicPatterns of(Collection<String> globs) {
        List<TopicPattern> parsed = new ArrayList<>(globs.size());
        for (String glob : globs) {
            parsed.add(TopicPattern.of(glob));
        }
        return new TopicPatterns(parsed);
    }

    public static TopicPatterns of(String... globs) {
        return of(List.of(globs));
    }

    public boolean matches(Topic topic) {
        return matches(topic.name());
    }

    /** Matches a name that may not be a valid topic (it then matches only a pattern that spells it out). */
    public boolean matches(String name) {
        for (TopicPattern pattern : patterns) {
            if (pattern.matches(name)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    public List<TopicPattern> patterns() {
        return patterns;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicPatterns other && other.patterns.equals(patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
