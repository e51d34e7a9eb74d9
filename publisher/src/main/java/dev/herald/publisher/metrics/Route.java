package dev.herald.publisher.metrics;

import java.util.Locale;

/**
 * The publisher's routes, each with its method and path template, and the {@code route} tag of
 * {@code herald.publisher.requests}: a fixed, small set. The publisher registers exactly these routes, so a
 * test can hold the OpenAPI description against this list.
 */
public enum Route {
    PUBLISH("POST", "/v1/topics/{topic}/events"),
    BATCH("POST", "/v1/events"),
    TOPIC("GET", "/v1/topics/{topic}"),
    HISTORY("GET", "/v1/topics/{topic}/events"),
    DELETE_TOPIC("DELETE", "/v1/topics/{topic}"),
    DISCONNECT("POST", "/v1/disconnect"),
    OPENAPI("GET", "/v1/openapi.yaml"),
    HEALTH("GET", "/health"),
    /** A Mercure update (the subscribe side of the same path is the gateways'). */
    MERCURE_PUBLISH("POST", "/.well-known/mercure"),
    /** Requests that matched no route or used a method the route does not allow (404, 405); no method or path. */
    OTHER(null, null);

    private final String tag = name().toLowerCase(Locale.ROOT);
    private final String method;
    private final String template;

    Route(String method, String template) {
        this.method = method;
        this.template = template;
    }

    public String tag() {
        return tag;
    }

    public String method() {
        return method;
    }

    public String template() {
        return template;
    }
}
