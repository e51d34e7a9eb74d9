package dev.herald.gateway.http;

/**
 * The gateway's public routes, each with its method and path template. The gateway registers exactly
 * these, so a test can hold docs/openapi.yaml against this list (the admin listener's are not public).
 */
public enum GatewayRoute {
    STREAM("GET", "/v1/stream"),
    HEALTH("GET", "/health"),
    DEMO("GET", "/demo"),
    DEMO_SLASH("GET", "/demo/"),
    /** The Mercure hub's subscribe endpoint (its publish endpoint is the publisher's). */
    MERCURE("GET", "/.well-known/mercure"),
    MERCURE_SUBSCRIPTIONS("GET", "/.well-known/mercure/subscriptions"),
    MERCURE_TOPIC_SUBSCRIPTIONS("GET", "/.well-known/mercure/subscriptions/{topic}"),
    MERCURE_SUBSCRIPTION("GET", "/.well-known/mercure/subscriptions/{topic}/{subscriber}");

    private final String method;
    private final String template;

    GatewayRoute(String method, String template) {
        this.method = method;
        this.template = template;
    }

    public String method() {
        return method;
    }

    public String template() {
        return template;
    }
}
