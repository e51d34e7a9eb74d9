package dev.herald.common.http;

import dev.herald.common.config.HttpSettings;
import dev.herald.common.startup.Bindings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.RoutingHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The admin listener: {@code /metrics}, {@code /health/live}, {@code /health/ready}, the diagnostics
 * {@code /debug/jfr} and {@code /debug/threads}, plus whatever a service adds. Kept on its own port (by
 * default bound to localhost) so the public port exposes no internals; {@link DebugGuard} keeps /debug/*
 * behind a token when that port is reachable from elsewhere.
 */
public final class AdminListener implements AutoCloseable {
    private final Undertow server;

    private AdminListener(Undertow server) {
        this.server = server;
    }

    /** Starts the listener, or returns {@code null} when {@code herald.admin.port} is -1. */
    public static AdminListener start(HttpSettings http, PrometheusMeterRegistry registry,
                                      BooleanSupplier live, BooleanSupplier ready, RoutingHandler extra) {
        if (http.adminPort() < 0) {
            return null;
        }
        RoutingHandler routes = Handlers.routing()
                .get("/metrics", new MetricsHandler(registry))
                .get("/health/live", new HealthHandler(live))
                .get("/health/ready", new HealthHandler(ready))
                .get("/debug/jfr", new JfrHandler())
                .get("/debug/threads", new ThreadDumpHandler())
                .addAll(extra)
                .setFallbackHandler(Routes.NOT_FOUND)
                .setInvalidMethodHandler(Routes.METHOD_NOT_ALLOWED);
        Undertow server = Listeners.withClientLimits(Undertow.builder(), http.clients())
                .addHttpListener(http.adminPort(), http.adminHost())
                .setIoThreads(1)
                .setWorkerThreads(2) // a flight recording waits on one
                .setHandler(new DebugGuard(http.adminHost(), http.adminToken(), routes))
                .build();
        Bindings.start(server, List.of(new Bindings.Bind("herald.admin.port", http.adminHost(), http.adminPort())));
        return new AdminListener(server);
    }

    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** An empty route set, for services that add nothing. */
    public static RoutingHandler noExtraRoutes() {
        return Handlers.routing();
    }
}
