package dev.herald.publisher;

import dev.herald.common.http.AdminListener;
import dev.herald.common.http.HealthHandler;
import dev.herald.common.http.Metrics;
import dev.herald.common.http.Routes;
import dev.herald.common.redis.RedisConnector;
import dev.herald.publisher.api.BatchPublishHandler;
import dev.herald.publisher.api.BodyReader;
import dev.herald.publisher.api.ErrorCode;
import dev.herald.publisher.api.ErrorResponder;
import dev.herald.publisher.api.EventParser;
import dev.herald.publisher.api.PublishHandler;
import dev.herald.publisher.api.TopicInfoHandler;
import dev.herald.publisher.metrics.PublisherMetrics;
import dev.herald.publisher.metrics.Route;
import dev.herald.publisher.metrics.TimedRoute;
import dev.herald.publisher.stream.EventAppender;
import dev.herald.common.redis.RedisLink;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.RoutingHandler;
import java.net.InetSocketAddress;

/** The publisher service: REST API in, publish script out. One Redis connection serves every request. */
public final class Publisher implements AutoCloseable {
    private final RedisConnector redis;
    private final RedisLink connection;
    private final Undertow server;
    private final AdminListener admin;

    private Publisher(PublisherSettings settings, RedisConnector redis) {
        this.redis = redis;
        this.connection = redis.connect();
        PrometheusMeterRegistry registry = Metrics.newRegistry("publisher");
        PublisherMetrics metrics = new PublisherMetrics(registry);
        ErrorResponder errors = new ErrorResponder(metrics);
        EventAppender appender = new EventAppender(connection.async(), settings.redis(), settings.retention(), settings.feedMaxLen(), metrics);
        BodyReader bodies = new BodyReader(settings.maxBodyBytes(), errors);
        EventParser parser = new EventParser(settings.maxEventBytes(), settings.maxBatch());
        RoutingHandler routes = Handlers.routing()
                .post("/v1/topics/{topic}/events", new TimedRoute(Route.PUBLISH, new PublishHandler(bodies, parser, appender), metrics))
                .post("/v1/events", new TimedRoute(Route.BATCH, new BatchPublishHandler(bodies, parser, appender), metrics))
                .get("/v1/topics/{topic}", new TimedRoute(Route.TOPIC, new TopicInfoHandler(connection.async(), settings.redis(), errors), metrics))
                .get("/health", new TimedRoute(Route.HEALTH, new HealthHandler(connection::isOpen), metrics))
                .setFallbackHandler(new TimedRoute(Route.OTHER, errors.counting(ErrorCode.NOT_FOUND, Routes.NOT_FOUND), metrics))
                .setInvalidMethodHandler(new TimedRoute(Route.OTHER, errors.counting(ErrorCode.METHOD_NOT_ALLOWED, Routes.METHOD_NOT_ALLOWED), metrics));
        this.server = Undertow.builder()
                .addHttpListener(settings.http().port(), settings.http().host())
                .setIoThreads(settings.http().ioThreads())
                .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, true) // TimedRoute measures from it
                .setHandler(routes)
                .build();
        server.start();
        try {
            this.admin = AdminListener.start(settings.http(), registry, () -> true, connection::isOpen, AdminListener.noExtraRoutes());
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    /**
     * Connects to Redis and starts listening; throws if either fails, having released whatever it had
     * started, so a failed start leaves no listener or Redis connection (and no thread keeping the JVM up).
     */
    public static Publisher start(PublisherSettings settings) {
        RedisConnector redis = new RedisConnector(settings.redis());
        try {
            return new Publisher(settings, redis);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** The admin listener's port, or -1 when it is disabled. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        server.stop();
        connection.close();
        redis.close();
    }
}
