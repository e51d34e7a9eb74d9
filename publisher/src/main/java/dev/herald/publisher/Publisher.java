package dev.herald.publisher;

import dev.herald.common.http.AdminListener;
import dev.herald.common.http.HealthHandler;
import dev.herald.common.http.Metrics;
import dev.herald.common.http.Routes;
import dev.herald.common.redis.RedisConnector;
import dev.herald.publisher.api.BatchPublishHandler;
import dev.herald.publisher.api.BodyReader;
import dev.herald.publisher.api.EventParser;
import dev.herald.publisher.api.PublishHandler;
import dev.herald.publisher.api.TopicInfoHandler;
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

    private Publisher(PublisherSettings settings) {
        this.redis = new RedisConnector(settings.redis());
        this.connection = redis.connect();
        PrometheusMeterRegistry registry = Metrics.newRegistry("publisher");
        EventAppender appender = new EventAppender(connection.async(), settings.redis(), settings.retention(), settings.feedMaxLen());
        BodyReader bodies = new BodyReader(settings.maxBodyBytes());
        EventParser parser = new EventParser(settings.maxEventBytes(), settings.maxBatch());
        RoutingHandler routes = Handlers.routing()
                .post("/v1/topics/{topic}/events", new PublishHandler(bodies, parser, appender))
                .post("/v1/events", new BatchPublishHandler(bodies, parser, appender))
                .get("/v1/topics/{topic}", new TopicInfoHandler(connection.async(), settings.redis()))
                .get("/health", new HealthHandler(connection::isOpen))
                .setFallbackHandler(Routes.NOT_FOUND)
                .setInvalidMethodHandler(Routes.METHOD_NOT_ALLOWED);
        this.server = Undertow.builder()
                .addHttpListener(settings.http().port(), settings.http().host())
                .setIoThreads(settings.http().ioThreads())
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, settings.maxBodyBytes())
                .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, false)
                .setHandler(routes)
                .build();
        server.start();
        this.admin = AdminListener.start(settings.http(), registry, () -> true, connection::isOpen, AdminListener.noExtraRoutes());
    }

    /** Connects to Redis and starts listening; throws if either fails. */
    public static Publisher start(PublisherSettings settings) {
        return new Publisher(settings);
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
