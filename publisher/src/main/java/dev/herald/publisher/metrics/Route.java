package dev.herald.publisher.metrics;

import java.util.Locale;

/** What a request was for, as the {@code route} tag of {@code herald.publisher.requests}: a fixed, small set. */
public enum Route {
    PUBLISH, BATCH, TOPIC, OPENAPI, HEALTH,
    /** Requests that matched no route or used a method the route does not allow (404, 405). */
    OTHER;

    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() {
        return tag;
    }
}
