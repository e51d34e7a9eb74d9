package dev.herald.gateway;

import dev.herald.common.http.AdminListener;
import dev.herald.common.http.CorsHandler;
import dev.herald.common.http.HealthHandler;
import dev.herald.common.http.Listeners;
import dev.herald.common.http.Metrics;
import dev.herald.common.http.Routes;
import dev.herald.common.mercure.MercureUpdate;
import dev.herald.common.redis.RedisConnector;
import dev.herald.common.redis.RedisLink;
import dev.herald.common.startup.RedisVersion;
import dev.herald.gateway.auth.AuthSettings;
import dev.herald.gateway.connection.CloseReason;
import dev.herald.gateway.connection.ConnectionLimits;
import dev.herald.gateway.connection.IoLoops;
import dev.herald.gateway.connection.OverloadGuard;
import dev.herald.gateway.connection.RetryHints;
import dev.herald.gateway.connection.StreamOpener;
import dev.herald.gateway.dispatch.Dispatcher;
import dev.herald.gateway.http.AuthHandler;
import dev.herald.gateway.http.ClientAddress;
import dev.herald.gateway.http.ConnectionsHandler;
import dev.herald.gateway.http.DemoPageHandler;
import dev.herald.gateway.http.GatewayRoute;
import dev.herald.gateway.http.ReconnectLimiter;
import dev.herald.gateway.http.Refusals;
import dev.herald.gateway.http.RequestHeaderLimitHandler;
import dev.herald.gateway.http.StreamHandler;
import dev.herald.gateway.http.StreamGate;
import dev.herald.gateway.http.StreamLimits;
import dev.herald.gateway.mercure.MercureResume;
import dev.herald.gateway.mercure.MercureSubscribeHandler;
import dev.herald.gateway.mercure.MercureSubscriptionsHandler;
import dev.herald.gateway.mercure.SubscriptionRegistry;
import dev.herald.gateway.metrics.GatewayMetrics;
import dev.herald.gateway.presence.PresenceReporter;
import dev.herald.gateway.read.FeedPositions;
import dev.herald.gateway.read.FeedTailers;
import dev.herald.gateway.read.HistoryPages;
import dev.herald.gateway.read.HistoryReader;
import dev.herald.gateway.revocation.RevocationTailer;
import dev.herald.gateway.revocation.RevokedTokens;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The gateway service: tails the partition feeds, keeps the local SSE streams and writes events to them.
 * It keeps no state that another gateway needs: a client may resume on any gateway.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewaySettings settings;
    private final RedisConnector redis;
    private final RedisLink commands;
    private final FeedTailers tailers;
    private final XnioWorker worker;
    private final IoLoops loops;
    private final OverloadGuard overload;
    private final PrometheusMeterRegistry registry;
    private final GatewayMetrics metrics;
    private final Undertow server;
    private final AdminListener admin;
    private final PresenceReporter presence;
    private final RevokedTokens revokedTokens = new RevokedTokens();
    private final RevocationTailer revocations;
    /** The Mercure subscriptions API's registry, or null when it is off. */
    private final SubscriptionRegistry subscriptions;
    private volatile boolean draining;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Gateway(GatewaySettings settings) {
        this.settings = settings;
        this.redis = new RedisConnector(settings.redis());
        this.commands = redis.connect();
        RedisVersion.require(commands, settings.redis().uri().toString());
        this.registry = Metrics.newRegistry("gateway");
        this.metrics = new GatewayMetrics(registry);
        int partitions = settings.redis().partitions().count();
        // The worker is made here, not by Undertow, so that every IO thread's loop exists before a tailer posts.
        this.worker = newWorker(settings.http().ioThreads());
        this.overload = new OverloadGuard(settings.overload().lagBudget().toNanos() / 1000, settings.overload().shedFraction(),
                worker.getIoThreadCount());
        this.loops = new IoLoops(worker, partitions, settings.maxWaitingBytes(), overload, new RetryHints(settings.retry().toMillis()));
        metrics.watchOverload(overload);
        metrics.watchLoops(loops);
        FeedPositions read = new FeedPositions(partitions);
        this.tailers = new FeedTailers(redis, new Dispatcher(loops.all()), read, metrics, settings.tailerBlock(), settings.tailerCount());

        HistoryPages history = new HistoryPages(new HistoryReader(commands.async(), settings.redis().keys(), settings.replayPageSize(), loops.all().size()),
                read::get, metrics, settings.replayReadsInFlight(), settings.replayCacheBytes());
        ConnectionLimits limits = new ConnectionLimits(settings.maxPendingBytes(), settings.maxUnwritable().toNanos(),
                settings.heartbeatInterval().toNanos(), settings.writeWindow().toNanos(), settings.replayMaxEvents());
        StreamOpener opener = new StreamOpener(settings.redis().partitions(), history, limits, metrics, loops);
        RetryHints revokedHints = new RetryHints(settings.retry().toMillis());
        this.revocations = RevocationTailer.start(redis, revokedTokens, r -> loops.revoke(r, revokedHints), settings.tailerBlock());
        int mercurePartition = settings.redis().partitions().partitionOf(MercureUpdate.HERALD_TOPIC);
        this.subscriptions = settings.mercure().subscriptionsApi()
                ? SubscriptionRegistry.start(commands.async(), settings.redis().keys(), settings.presenceInterval(), settings.mercure(), mercurePartition)
                : null;
        DemoPageHandler demoPage = new DemoPageHandler();
        Map<GatewayRoute, HttpHandler> handlers = new EnumMap<>(GatewayRoute.class);
        // One gate and one set of caps for both stream endpoints: a client counts once, whichever it uses.
        Refusals refusals = new Refusals(settings.retry().toMillis(), metrics);
        ClientAddress addresses = new ClientAddress(settings.trustForwardedFor());
        StreamGate gate = new StreamGate(this::refusalReason, refusals,
                new ReconnectLimiter(settings.reconnectPerSecond(), settings.reconnectBurst()), addresses);
        StreamLimits streamCaps = new StreamLimits(settings.maxStreams(), settings.maxStreamsPerAddress(), addresses, refusals);
        handlers.put(GatewayRoute.STREAM, streamEndpoint(opener, gate, streamCaps));
        handlers.put(GatewayRoute.HEALTH, new HealthHandler(this::isReady));
        handlers.put(GatewayRoute.DEMO, demoPage);
        handlers.put(GatewayRoute.DEMO_SLASH, demoPage);
        handlers.put(GatewayRoute.MERCURE, mercureEndpoint(opener, mercurePartition, gate, streamCaps));
        HttpHandler subscriptionsApi = subscriptionsApi(opener, mercurePartition);
        handlers.put(GatewayRoute.MERCURE_SUBSCRIPTIONS, subscriptionsApi);
        handlers.put(GatewayRoute.MERCURE_TOPIC_SUBSCRIPTIONS, subscriptionsApi);
        handlers.put(GatewayRoute.MERCURE_SUBSCRIPTION, subscriptionsApi);
        RoutingHandler routes = Handlers.routing()
                .setFallbackHandler(Routes.NOT_FOUND)
                .setInvalidMethodHandler(Routes.METHOD_NOT_ALLOWED);
        handlers.forEach((route, handler) -> routes.add(route.method(), route.template(), handler));
        HttpHandler root = new RequestHeaderLimitHandler(settings.maxHeaderSize(), routes);
        root = CorsHandler.wrap(settings.cors(), root); // outermost (when origins are listed): every answer, errors too, is readable cross-origin
        Undertow.Builder builder = Listeners.add(Undertow.builder(), settings.http(), settings.tls())
                .setWorker(worker)
                .setSocketOption(Options.TCP_NODELAY, true)
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, RequestHeaderLimitHandler.PARSE_LIMIT_FACTOR * settings.maxHeaderSize())
                .setHandler(root);
        if (settings.sendBufferBytes() > 0) {
            builder.setSocketOption(Options.SEND_BUFFER, settings.sendBufferBytes());
        }
        this.server = builder.build();
        Listeners.start(server, settings.http(), settings.tls());
        this.admin = AdminListener.start(settings.http(), registry, tailers::isAlive, this::isReady,
                Handlers.routing().get("/debug/connections", new ConnectionsHandler(loops)));
        this.presence = new PresenceReporter(loops, commands.async(), settings.redis().keys(), name(port()),
                settings.presenceInterval(), metrics::topicsWithStreams);
    }

    /** The name this gateway reports its streams under: host, port and process, unique while it runs. */
    private static String name(int port) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + ":" + port + ":" + ProcessHandle.current().pid();
    }

    /**
     * {@code GET /v1/stream}: authentication (if enabled), then the stream limits (if any), then the stream
     * itself, so that only requests allowed to stream take a slot.
     */
    private HttpHandler streamEndpoint(StreamOpener opener, StreamGate gate, StreamLimits limits) {
        HttpHandler handler = limits.around(new StreamHandler(opener, settings, gate));
        AuthSettings auth = settings.auth();
        if (auth.enabled()) {
            handler = new AuthHandler(auth, metrics, revokedTokens, handler);
        }
        return handler;
    }

    /**
     * {@code GET /.well-known/mercure}: the stream limits (if any), then the Mercure subscription, which
     * authenticates by itself (Mercure tokens, anonymous subscribers).
     */
    private HttpHandler mercureEndpoint(StreamOpener opener, int partition, StreamGate gate, StreamLimits limits) {
        return limits.around(new MercureSubscribeHandler(opener, settings.mercure(),
                new MercureResume(commands.async(), settings.redis().keys(), partition), partition, settings.maxTopics(),
                gate, new RetryHints(settings.retry().toMillis()), revokedTokens, registry, subscriptions));
    }

    /** The Mercure subscriptions API when {@code herald.mercure.subscriptions} is on, else a 404. */
    private HttpHandler subscriptionsApi(StreamOpener opener, int partition) {
        return subscriptions == null ? Routes.NOT_FOUND : new MercureSubscriptionsHandler(subscriptions, settings.mercure(), opener, partition);
    }

    /** Why new streams are refused now, or null to serve them. */
    private Refusals.Reason refusalReason() {
        if (draining) {
            return Refusals.Reason.DRAINING;
        }
        if (!tailers.isPositioned() || !revocations.isStarted()) {
            // Live delivery cannot yet say where a stream starts, or revoked token IDs are not loaded yet.
            return Refusals.Reason.STARTING;
        }
        return overload.isOverloaded() ? Refusals.Reason.OVERLOADED : null;
    }

    private static XnioWorker newWorker(int ioThreads) {
        try {
            return Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, ioThreads)
                    .set(Options.WORKER_TASK_CORE_THREADS, 2) // nothing blocking runs on workers
                    .set(Options.WORKER_TASK_MAX_THREADS, 2)
                    .set(Options.TCP_NODELAY, true)
                    .getMap());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects to Redis, starts tailing and listening. */
    public static Gateway start(GatewaySettings settings) {
        return new Gateway(settings);
    }

    /**
     * Ready means this gateway can serve new streams: its tailers know where every feed stands and are not
     * stuck, it knows the revoked token IDs, and it is not draining. Redis being down does not make it unready: it holds new streams open
     * (headers, heartbeats) and serves them from their cursors once Redis is back, whereas a load balancer
     * with no ready backend would answer a bare 503, on which EventSource gives up for good.
     */
    public boolean isReady() {
        return !draining && tailers.isPositioned() && revocations.isStarted() && tailers.isAlive();
    }

    /**
     * Drains: turns readiness false, answers new streams with a retry hint only, and closes the open
     * streams in waves over the drain period, each with a jittered retry hint. Returns when all are closed
     * (at the latest shortly after the period).
     */
    public void drain() {
        draining = true;
        long period = settings.drainPeriod().toNanos();
        LOG.info("drain started: {} streams to close over {} s", loops.openStreams(), settings.drainPeriod().toSeconds());
        loops.startDrain(period, new RetryHints(settings.retry().toMillis()));
        long deadline = System.nanoTime() + period + 2_000_000_000L;
        while (loops.openStreams() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info("drain finished: {} streams left", loops.openStreams());
    }

    /** The IO threads, so tests can stall one. */
    XnioWorker worker() {
        return worker;
    }

    public int port() {
        return Listeners.plainPort(server);
    }

    /** The TLS listener's port, or -1 without TLS. */
    public int tlsPort() {
        return Listeners.tlsPort(server);
    }

    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        presence.close();
        loops.closeAll(CloseReason.SHUTDOWN);
        if (admin != null) {
            admin.close();
        }
        server.stop();
        worker.shutdown();
        if (subscriptions != null) {
            subscriptions.close(); // after the streams: it publishes those still open as gone, then leaves the registry
        }
        revocations.close();
        tailers.close();
        commands.close();
        redis.close();
    }
}
