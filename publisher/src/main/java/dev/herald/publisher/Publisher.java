package dev.herald.publisher;

import dev.herald.common.http.AdminListener;
import dev.herald.common.http.CorsHandler;
import dev.herald.common.http.HealthHandler;
import dev.herald.common.http.LingeringClose;
import dev.herald.common.http.Listeners;
import dev.herald.common.http.Metrics;
import dev.herald.common.http.Routes;
import dev.herald.common.redis.RedisConnector;
import dev.herald.common.redis.RedisLink;
import dev.herald.common.startup.RedisVersion;
import dev.herald.publisher.api.BatchPublishHandler;
import dev.herald.publisher.api.BodyReader;
import dev.herald.publisher.api.ErrorCode;
import dev.herald.publisher.api.ErrorResponder;
import dev.herald.publisher.api.DisconnectHandler;
import dev.herald.publisher.api.EventParser;
import dev.herald.publisher.api.HeaderSizeLimit;
import dev.herald.publisher.api.OpenApiHandler;
import dev.herald.publisher.api.PublishHandler;
import dev.herald.publisher.api.TopicDeleteHandler;
import dev.herald.publisher.api.TopicEventsHandler;
import dev.herald.publisher.api.TopicInfoHandler;
import dev.herald.publisher.auth.AuthHandler;
import dev.herald.publisher.mercure.MercurePublishHandler;
import dev.herald.publisher.metrics.PublisherMetrics;
import dev.herald.publisher.metrics.Route;
import dev.herald.publisher.metrics.TimedRoute;
import dev.herald.publisher.stream.EventAppender;
import dev.herald.publisher.stream.ReplicaAcks;
import dev.herald.publisher.stream.RevocationWriter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher service: REST API in, publish script out. One Redis connection serves every request.
 *
 * <p>Requests pass, in order: the graceful-shutdown gate, the header size limit, CORS (which answers
 * preflights itself, before authentication, as they carry no credentials), routing, and for the
 * {@code /v1} routes but the OpenAPI description, authentication.
 */
public final class Publisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    /** Undertow's own header limit, a hard bound on memory above the one answered in JSON (see {@link HeaderSizeLimit}). */
    private static final int MIN_HARD_HEADER_LIMIT = 64 * 1024;

    private final RedisConnector redis;
    private final RedisLink connection;
    private final RedisLink waitConnection;
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, "publish-deadlines");
        thread.setDaemon(true);
        return thread;
    });
    private final Undertow server;
    private final GracefulShutdownHandler shutdown;
    private final Duration shutdownGrace;
    private final AdminListener admin;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param waitConnection the replica wait's own connection, or null without {@code min-replica-acks} */
    private Publisher(PublisherSettings settings, RedisConnector redis, RedisLink connection, RedisLink waitConnection) {
        this.redis = redis;
        this.connection = connection;
        this.waitConnection = waitConnection;
        this.shutdownGrace = settings.shutdownGrace();
        deadlines.setRemoveOnCancelPolicy(true); // most requests finish well before their deadline
        PrometheusMeterRegistry registry = Metrics.newRegistry("publisher");
        PublisherMetrics metrics = new PublisherMetrics(registry);
        ErrorResponder errors = new ErrorResponder(metrics, new LingeringClose(settings.http().clients()));
        ReplicaAcks replicaAcks = waitConnection == null ? null : new ReplicaAcks(waitConnection.async(), settings.redis().keys().replicationMark(),
                settings.minReplicaAcks(), settings.replicaAckTimeout());
        EventAppender appender = new EventAppender(connection.async(), settings.redis(), settings.retention(), settings.feedMaxLen(),
                settings.idempotencyWindow(), settings.maxBatch(), settings.queueLimits(), deadlines, replicaAcks, metrics);
        BodyReader bodies = new BodyReader(settings.maxBodyBytes(), errors, BodyReader.JSON);
        EventParser parser = new EventParser(settings.maxEventBytes(), settings.maxBatch());
        AuthHandler auth = new AuthHandler(settings.auth(), errors::unauthorized);
        Map<Route, HttpHandler> handlers = new EnumMap<>(Route.class);
        handlers.put(Route.PUBLISH, auth.protect(new PublishHandler(bodies, parser, appender)));
        handlers.put(Route.BATCH, auth.protect(new BatchPublishHandler(bodies, parser, appender)));
        handlers.put(Route.TOPIC, auth.protect(new TopicInfoHandler(connection.async(), settings.redis(), settings.retention(), errors)));
        handlers.put(Route.HISTORY, auth.protect(new TopicEventsHandler(connection.async(), settings.redis(), errors)));
        handlers.put(Route.DELETE_TOPIC, auth.protect(new TopicDeleteHandler(connection.async(), settings.redis(), errors)));
        handlers.put(Route.DISCONNECT, auth.protect(new DisconnectHandler(bodies, new RevocationWriter(connection.async(), settings.redis().keys()),
                settings.auth().tokens().clockSkew())));
        handlers.put(Route.OPENAPI, new OpenApiHandler());
        handlers.put(Route.HEALTH, new HealthHandler(connection::isOpen));
        handlers.put(Route.MERCURE_PUBLISH, new MercurePublishHandler(new BodyReader(settings.maxBodyBytes(), errors, BodyReader.FORM), appender, settings.auth().tokens(), errors, settings.maxEventBytes(),
                settings.cors()));
        RoutingHandler routes = Handlers.routing()
                .setFallbackHandler(new TimedRoute(Route.OTHER, errors.counting(ErrorCode.NOT_FOUND, Routes.NOT_FOUND), metrics))
                .setInvalidMethodHandler(new TimedRoute(Route.OTHER, errors.counting(ErrorCode.METHOD_NOT_ALLOWED, Routes.METHOD_NOT_ALLOWED), metrics));
        handlers.forEach((route, handler) -> routes.add(route.method(), route.template(), new TimedRoute(route, handler, metrics)));
        this.shutdown = new GracefulShutdownHandler(new HeaderSizeLimit(settings.maxHeaderBytes(), errors, CorsHandler.wrap(settings.cors(), routes)));
        this.server = Listeners.add(Undertow.builder(), settings.http(), settings.tls())
                .setIoThreads(settings.http().ioThreads())
                .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, true) // TimedRoute measures from it
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, Math.max(MIN_HARD_HEADER_LIMIT, 2 * settings.maxHeaderBytes()))
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Math.max(settings.maxBodyBytes(), settings.http().clients().lingerMaxBytes()))
                .setHandler(refusingWhileStopping(errors))
                .build();
        Listeners.start(server, settings.http(), settings.tls());
        try {
            this.admin = AdminListener.start(settings.http(), registry, () -> true, connection::isOpen, AdminListener.noExtraRoutes());
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    /**
     * New requests that arrive once {@link #close()} began get the JSON error every other refusal has (the
     * graceful-shutdown handler alone would answer a bare 503); requests in flight finish.
     */
    private HttpHandler refusingWhileStopping(ErrorResponder errors) {
        return exchange -> {
            if (closed.get()) {
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
                errors.answer(exchange, ErrorCode.SHUTTING_DOWN, "this publisher is shutting down; retry, another instance will take it");
                return;
            }
            shutdown.handleRequest(exchange);
        };
    }

    /**
     * Connects to Redis and starts listening; throws if either fails, having released whatever it had
     * started, so a failed start leaves no listener or Redis connection (and no thread keeping the JVM up).
     */
    public static Publisher start(PublisherSettings settings) {
        RedisConnector redis = new RedisConnector(settings.redis());
        List<RedisLink> links = new ArrayList<>(2);
        try {
            RedisLink connection = redis.connect();
            links.add(connection);
            RedisVersion.require(connection, settings.redis().uri().toString());
            RedisLink waitConnection = settings.minReplicaAcks() == 0 ? null : redis.connect(); // WAIT blocks its connection
            if (waitConnection != null) {
                links.add(waitConnection);
            }
            return new Publisher(settings, redis, connection, waitConnection);
        } catch (RuntimeException e) {
            links.forEach(RedisLink::close); // before the client: its shutdown would report each open one on stderr
            redis.close();
            throw e;
        }
    }

    public int port() {
        return Listeners.plainPort(server);
    }

    /** The TLS listener's port, or -1 without TLS. */
    public int tlsPort() {
        return Listeners.tlsPort(server);
    }

    /** The admin listener's port, or -1 when it is disabled. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /**
     * Stops gracefully: answers {@code 503} to every new request, lets requests in flight finish for up to
     * {@code herald.publisher.shutdown-grace} (their appends then get their answer), then closes the listeners
     * and Redis. Run on SIGTERM by the shutdown hook; a second call does nothing. The listener keeps accepting
     * connections while it drains: Undertow's only way to stop accepting ({@code ListenerInfo.suspend()})
     * also closes every open connection, which would cut off the very requests the drain waits for.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        shutdown.shutdown();
        try {
            if (!shutdown.awaitShutdown(shutdownGrace.toMillis())) {
                LOG.warn("requests still in flight after {}; stopping anyway", shutdownGrace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
        if (admin != null) {
            admin.close();
        }
        if (waitConnection != null) {
            waitConnection.close();
        }
        connection.close();
        deadlines.shutdownNow();
        redis.close();
    }
}
