package dev.herald.gateway.mercure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.common.auth.AuthException;
import dev.herald.common.auth.AuthFailure;
import dev.herald.common.auth.AuthHeaders;
import dev.herald.common.http.JsonResponses;
import dev.herald.common.mercure.MercureCredentials;
import dev.herald.common.mercure.MercureGrant;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.gateway.connection.StreamOpener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Mercure subscriptions API: {@code GET /.well-known/mercure/subscriptions[/{topic}[/{subscriber}]]}, the
 * active subscriptions of the whole cluster ({@link SubscriptionRegistry}) as JSON-LD, all of them, those of
 * one topic selector, or one. The token's {@code mercure.subscribe} selectors must match the request's path
 * (for instance {@code /.well-known/mercure/subscriptions{/topic}{/subscriber}}). {@code lastEventID} is the
 * live position on this gateway, from which a subscriber misses no later update. Runs on the IO thread; the
 * Redis read completes there too.
 */
public final class MercureSubscriptionsHandler implements HttpHandler {
    private final SubscriptionRegistry registry;
    private final MercureSettings settings;
    private final StreamOpener opener;
    private final int partition;

    public MercureSubscriptionsHandler(SubscriptionRegistry registry, MercureSettings settings, StreamOpener opener, int partition) {
        this.registry = registry;
        this.settings = settings;
        this.opener = opener;
        this.partition = partition;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String path = exchange.getRequestURI(); // encoded as sent: subscription IDs are in that form
        String[] segments = path.substring(Math.min(path.length(), SubscriptionRegistry.PATH.length() + 1)).split("/", -1);
        String topic = path.length() > SubscriptionRegistry.PATH.length() ? decode(segments[0]) : null;
        String subscriber = segments.length > 1 ? decode(segments[1]) : null;
        if (segments.length > 2 || (topic != null && topic.isEmpty()) || (subscriber != null && subscriber.isEmpty())) {
            JsonResponses.error(exchange, 404, "not_found", "no such subscription resource");
            return;
        }
        try {
            MercureCredentials credentials = MercureCredentials.of(exchange);
            if (credentials == null) {
                throw new AuthException(AuthFailure.TOKEN_MISSING, "the subscriptions API needs a token");
            }
            if (!MercureGrant.verify(settings.tokens(), credentials.token()).subscribe().matches(path)) {
                JsonResponses.error(exchange, 403, "forbidden", "the token's 'mercure.subscribe' selectors do not match " + path);
                return;
            }
        } catch (AuthException e) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE,
                    AuthHeaders.challenge(AuthHeaders.BEARER, e.failure() == AuthFailure.TOKEN_MISSING ? null : e));
            JsonResponses.send(exchange, 401, JsonResponses.MAPPER.createObjectNode()
                    .put("error", "unauthorized").put("reason", e.code()).put("message", e.getMessage()));
            return;
        }
        String lastEventId = MercureUpdate.generatedId(opener.liveWatermark(exchange.getIoThread(), partition));
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> registry.all().whenComplete((all, error) -> exchange.getIoThread().execute(() -> {
            if (error != null) {
                JsonResponses.error(exchange, 503, "redis_unavailable", "the subscriptions could not be read from Redis; retry");
            } else {
                answer(exchange, path, topic, subscriber, lastEventId, all);
            }
        })));
    }

    private static void answer(HttpServerExchange exchange, String path, String topic, String subscriber, String lastEventId, List<String> all) {
        ArrayNode matching = JsonResponses.MAPPER.createArrayNode();
        for (String text : all) {
            JsonNode s = parse(text);
            if (s != null && (topic == null || topic.equals(s.path("topic").asText()))
                    && (subscriber == null || subscriber.equals(s.path("subscriber").asText()))) {
                matching.add(s);
            }
        }
        ObjectNode body;
        if (subscriber != null) {
            if (matching.isEmpty()) {
                JsonResponses.error(exchange, 404, "not_found", "no active subscription " + path);
                return;
            }
            body = JsonResponses.MAPPER.createObjectNode().put("@context", SubscriptionEvents.CONTEXT);
            body.setAll((ObjectNode) matching.get(0));
        } else {
            body = JsonResponses.MAPPER.createObjectNode().put("@context", SubscriptionEvents.CONTEXT).put("id", path).put("type", "Subscriptions");
            body.set("subscriptions", matching);
        }
        body.put("lastEventID", lastEventId);
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/ld+json");
        exchange.getResponseSender().send(body.toString(), StandardCharsets.UTF_8);
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JsonResponses.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
