package dev.herald.gateway.auth;

import java.util.List;

/**
 * Topic patterns such as {@code news.*}, {@code *.prices} or {@code *}: {@code *} stands for any run of
 * characters, none included and dots included; every other character matches itself. Topic names cannot
 * contain {@code *}, so a pattern means one thing. Matching is linear in practice and at worst
 * pattern length times topic length (no regular expressions, so no backtracking blow-up).
 */
public final class TopicGlobs {
    private static final TopicGlobs NONE = new TopicGlobs(List.of());

    private final List<String> patterns;

    private TopicGlobs(List<String> patterns) {
        this.patterns = patterns;
    }

    /** The patterns, which the caller has checked with {@link #problemWith}. */
    public static TopicGlobs of(List<String> patterns) {
        return patterns.isEmpty() ? NONE : new TopicGlobs(List.copyOf(patterns));
    }

    /** Why {@code pattern} cannot be a topic pattern, or {@code null} if it can. */
    public static String problemWith(String pattern) {
        if (pattern == null || pattern.isEmpty() || pattern.length() > 200) {
            return "a topic pattern must have 1 to 200 characters";
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            boolean ok = c == '*' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "_-.:~".indexOf(c) >= 0;
            if (!ok) {
                return "topic pattern '" + pattern + "' has characters outside A-Z a-z 0-9 _ - . : ~ and *";
            }
        }
        return null;
    }

    /** True if any pattern matches all of {@code topic}. */
    public boolean matches(String topic) {
        for (String p : patterns) {
            if (matches(p, topic)) {
                return true;
            }
        }
        return false;
    }

    /** Wildcard match that, on a mismatch, retries from the last {@code *} one character further on. */
    static boolean matches(String pattern, String topic) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resumeAt = 0;
        while (t < topic.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resumeAt = t;
            } else if (p < pattern.length() && pattern.charAt(p) == topic.charAt(t)) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resumeAt;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
