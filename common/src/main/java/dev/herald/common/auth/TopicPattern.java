package dev.herald.common.auth;

import dev.herald.common.topic.Topic;
import java.util.regex.Pattern;

/**
 * A glob over topic names: {@code *} matches any run of topic characters, possibly empty (topics have no
 * separator, so {@code news.*} matches {@code news.eu} and {@code news.eu.fr}); every other character
 * matches itself, case-sensitively. A pattern is 1 to {@value Topic#MAX_LENGTH} characters from the topic
 * alphabet plus {@code *}, so anything that could never match a topic is refused where it is configured.
 */
public record TopicPattern(String glob) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:~*-]{1," + Topic.MAX_LENGTH + "}");

    public TopicPattern {
        String problem = problemWith(glob);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public static TopicPattern of(String glob) {
        return new TopicPattern(glob);
    }

    /** Why {@code glob} is not a topic pattern, or {@code null} if it is. */
    public static String problemWith(String glob) {
        if (glob == null || glob.isEmpty()) {
            return "topic pattern is empty";
        }
        if (!VALID.matcher(glob).matches()) {
            return "topic pattern '" + (glob.length() > 64 ? glob.substring(0, 64) + "..." : glob)
                    + "' must be 1 to " + Topic.MAX_LENGTH + " characters from A-Z a-z 0-9 _ - . : ~ and *";
        }
        return null;
    }

    public boolean matches(Topic topic) {
        return matches(topic.name());
    }

    /**
     * Glob matching with backtracking to the last {@code *} only, which is enough for a single wildcard
     * character and keeps the worst case at pattern length times name length (both at most 200).
     */
    public boolean matches(String name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int resume = 0;
        while (n < name.length()) {
            if (p < glob.length() && glob.charAt(p) == '*') {
                star = p++;
                resume = n;
            } else if (p < glob.length() && glob.charAt(p) == name.charAt(n)) {
                p++;
                n++;
            } else if (star >= 0) {
                p = star + 1;
                n = ++resume;
            } else {
                return false;
            }
        }
        while (p < glob.length() && glob.charAt(p) == '*') {
            p++;
        }
        return p == glob.length();
    }

    @Override
    public String toString() {
        return glob;
    }
}
