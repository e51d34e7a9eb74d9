package dev.herald.publisher.mercure;

import dev.herald.common.auth.AuthException;
import dev.herald.common.auth.AuthFailure;
import dev.herald.common.auth.AuthHeaders;
import dev.herald.common.auth.TokenVerifier;
import dev.herald.common.event.StreamId;
import dev.herald.common.http.CorsPolicy;
import dev.herald.common.mercure.MercureCredentials;
import dev.herald.common.mercure.MercureGrant;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.common.sse.SseEncoder;
import dev.herald.publisher.api.ApiException;
import dev.herald.publisher.api.BodyReader;
import dev.herald.publisher.api.ErrorCode;
import dev.herald.publisher.api.ErrorResponder;
import dev.herald.publisher.auth.AccessDeniedException;
import dev.herald.publisher.stream.EventAppender;
import dev.herald.publisher.stream.NewEvent;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code POST /.well-known/mercure}: a Mercure update, form-encoded ({@code topic} repeatable, the first
 * canonical; {@code data}, {@code private}, {@code id}, {@code type}, {@code retry}), appended as one event of
 * {@link MercureUpdate#HERALD_TOPIC} through the same appender (group commit, queue bounds, deadlines,
 * replica acknowledgements) as Herald's own API. Answers {@code 200 text/plain} with the update's ID: the
 * publisher's {@code id} verbatim (indexed to the entry, so a subscriber resumes from it on any gateway), or
 * a generated {@code urn:herald:<entry ID>}.
 *
 * <p>The token (header, {@code authorization} parameter, {@code mercureAuthorization} cookie) is always
 * required, whatever {@code herald.auth.enabled} says, and its {@code mercure.publish} selectors must match
 * every topic of the update ({@code 403} otherwise); a cookie token also needs a same-site {@code Origin}. Thread-safe: no state beyond its collaborators.
 */
public final class MercurePublishHandler implements HttpHandler {
    private static final HttpString LINK = new HttpString("Link");

    private final BodyReader bodies;
    private final EventAppender appender;
    private final TokenVerifier tokens;
    private final ErrorResponder errors;
    private final long maxEventBytes;
    private final CorsPolicy cors;

    /** @param cors the origins besides this host's own that may publish with a cookie token */
    public MercurePublishHandler(BodyReader bodies, EventAppender appender, TokenVerifier tokens, ErrorResponder errors, long maxEventBytes,
                                 CorsPolicy cors) {
        this.cors = cors;
        this.bodies = bodies;
        this.appender = appender;
        this.tokens = tokens;
        this.errors = errors;
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        MercureGrant grant;
        try {
            MercureCredentials credentials = MercureCredentials.of(exchange);
            if (credentials == null) {
                throw new AuthException(AuthFailure.TOKEN_MISSING, "publishing needs a token with a 'mercure.publish' claim");
            }
            grant = MercureGrant.verify(tokens, credentials.token());
            if (credentials.fromCookie() && !sameOrListedOrigin(exchange)) {
                errors.answer(exchange, ErrorCode.FORBIDDEN, "a token in the " + MercureCredentials.COOKIE + " cookie publishes only from this"
                        + " origin or one listed in herald.cors.allowed-origins (Origin header)");
                return;
            }
        } catch (AuthException e) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, AuthHeaders.challenge(AuthHeaders.BEARER,
                    e.failure() == AuthFailure.TOKEN_MISSING ? null : e));
            errors.unauthorized(exchange, e);
            return;
        }
        exchange.getResponseHeaders().put(LINK, "</.well-known/mercure>; rel=\"mercure\"");
        bodies.read(exchange, (ex, body) -> {
            FormBody form = FormBody.parse(body);
            MercureUpdate update = update(form);
            if (!grant.publish().matchesAll(update.topics())) {
                throw new AccessDeniedException("the token's 'mercure.publish' selectors do not match every topic of the update");
            }
            NewEvent event = new NewEvent(MercureUpdate.HERALD_TOPIC, type(form), update.encode(), retry(form), null, update.id());
            return appender.append(List.of(event)).thenApply(published -> {
                String cursor = published.get(0).id();
                StreamId entry = StreamId.parse(cursor.substring(cursor.indexOf(':') + 1));
                return new BodyReader.Answer(200, update.sseId(entry));
            });
        });
    }

    /**
     * Browsers send the cookie on requests any site makes, and a form POST needs no preflight, so a cookie
     * token publishes only with an {@code Origin} naming this host or a listed origin (Mercure's hub checks
     * {@code publish_origins} the same way): no cross-site request forgery.
     */
    private boolean sameOrListedOrigin(HttpServerExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (origin == null) {
            return false;
        }
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        int scheme = origin.indexOf("://");
        return (host != null && scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host)) || cors.listed(origin);
    }

    private MercureUpdate update(FormBody form) {
        List<String> topics = form.all("topic");
        if (topics.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_TOPIC, "at least one 'topic' field is required");
        }
        if (topics.size() > MercureUpdate.MAX_TOPICS) {
            throw new ApiException(ErrorCode.INVALID_TOPIC, "an update has at most " + MercureUpdate.MAX_TOPICS + " topics");
        }
        for (String topic : topics) {
            if (topic.isEmpty() || topic.length() > MercureUpdate.MAX_TOPIC_LENGTH) {
                throw new ApiException(ErrorCode.INVALID_TOPIC, "a topic must have 1 to " + MercureUpdate.MAX_TOPIC_LENGTH + " characters");
            }
        }
        String id = form.one("id");
        if (id != null) {
            String problem = MercureUpdate.problemWithId(id);
            if (problem != null) {
                throw new ApiException(ErrorCode.INVALID_EVENT, problem);
            }
        }
        String data = form.one("data");
        data = data == null ? "" : data;
        if (data.getBytes(StandardCharsets.UTF_8).length > maxEventBytes) {
            throw new ApiException(ErrorCode.EVENT_TOO_LARGE, "data is larger than " + maxEventBytes + " bytes");
        }
        // The protocol's "private" is a flag: present (with any value, "on" from an HTML checkbox) means private.
        return new MercureUpdate(topics, form.one("private") != null, id, data);
    }

    private static String type(FormBody form) {
        String type = form.one("type");
        if (type == null || type.isEmpty()) {
            return null;
        }
        String problem = SseEncoder.problemWithFieldValue("type", type);
        if (problem != null) {
            throw new ApiException(ErrorCode.INVALID_EVENT, problem);
        }
        return type;
    }

    private static long retry(FormBody form) {
        String retry = form.one("retry");
        if (retry == null || retry.isEmpty()) {
            return -1;
        }
        if (!retry.matches("[0-9]{1,9}")) {
            throw new ApiException(ErrorCode.INVALID_RETRY, "retry must be a number of milliseconds (1 to 9 digits)");
        }
        return Long.parseLong(retry);
    }
}
