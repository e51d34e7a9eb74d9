package dev.herald.common.topic;

import java.util.regex.Pattern;

/**
 * A validated topic name. Allowed: 1 to {@value #MAX_LENGTH} characters from {@code A-Z a-z 0-9 _ - . : ~},
 * starting with a letter or digit. The alphabet needs no escaping in URL paths, query strings,
 * Redis keys or JSON, so a topic reads the same everywhere it appears.
 */
public record Topic(String name) {
    public static final int MAX_LENGTH = 200;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:~-]{0," + (MAX_LENGTH - 1) + "}");

    public Topic {
        String problem = problemWith(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public static Topic of(String name) {
        return new Topic(name);
    }

    /** Why {@code name} is not a valid topic, or {@code null} if it is. */
    public static String problemWith(String name) {
        if (name == null || name.isEmpty()) {
            return "topic is missing";
        }
        if (name.length() > MAX_LENGTH) {
            return "topic is longer than " + MAX_LENGTH + " characters";
        }
        if (!VALID.matcher(name).matches()) {
            return "topic '" + printable(name) + "' has characters outside A-Z a-z 0-9 _ - . : ~ or does not start with a letter or digit";
        }
        return null;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
