package dev.herald.common.redis;

import dev.herald.common.config.RedisSettings;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens Lettuce connections with the options Herald relies on: automatic reconnect, commands rejected
 * (not queued without limit) while Redis is unreachable, TCP keepalive, and a command timeout. Speaks to
 * one Redis, to the master a Sentinel group names (following failovers), or to a Redis Cluster.
 */
public final class RedisConnector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);

    static {
        // Netty's leak detector is a debugging aid, on by default: it samples buffer allocations and records
        // a stack trace for each sampled one. On Lettuce's event loop, which allocates a buffer per command
        // and per reply, that was a tenth of the publisher's Redis thread and cost a fifth of its publishes
        // per second. Off unless asked for with -Dio.netty.leakDetection.level.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    private final RedisSettings settings;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final Disposable connectionLog;

    public RedisConnector(RedisSettings settings) {
        this.settings = settings;
        settings.uris().forEach(uri -> uri.setTimeout(settings.commandTimeout()));
        SocketOptions socket = SocketOptions.builder()
                .connectTimeout(Duration.ofSeconds(2))
                .keepAlive(true)
                .tcpNoDelay(true)
                .build();
        this.resources = ClientResources.builder().nettyCustomizer(new ConsolidatedFlushes()).build();
        if (settings.cluster()) {
            this.client = null;
            this.clusterClient = RedisClusterClient.create(resources, settings.uris());
            clusterClient.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .requestQueueSize(settings.requestQueueSize())
                    // Node connections open lazily on first use, so commands must wait for them rather
                    // than be rejected; during a node outage they fail after the command timeout.
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .socketOptions(socket)
                    .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(30))
                            .enableAllAdaptiveRefreshTriggers()
                            .build())
                    .build());
        } else {
            this.clusterClient = null;
            this.client = RedisClient.create(resources);
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .requestQueueSize(settings.requestQueueSize())
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket)
                    .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
                    .build());
        }
        this.connectionLog = logConnectionChanges(client != null ? client : clusterClient);
    }

    /**
     * Lettuce flushes each command on its own, one socket write per command. Commands dispatched together
     * (the publisher's calls from one IO-loop pass, or the next calls sent as replies are read) leave in one
     * write instead: Netty's {@link FlushConsolidationHandler} defers a flush to the end of the read, or of
     * the event loop's current task batch.
     */
    private static final class ConsolidatedFlushes implements NettyCustomizer {
        @Override
        public void afterChannelInitialized(Channel channel) {
            channel.pipeline().addFirst(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        }
    }

    /** One log line per lost and restored Redis connection, whichever service and connection it is. */
    private static Disposable logConnectionChanges(AbstractRedisClient client) {
        return client.getResources().eventBus().get().subscribe(event -> {
            if (event instanceof ConnectionDeactivatedEvent e) {
                LOG.warn("redis connection lost: {}", e.remoteAddress());
            } else if (event instanceof ConnectionActivatedEvent e) {
                LOG.info("redis connection up: {}", e.remoteAddress());
            } else if (event instanceof ReconnectFailedEvent e) {
                LOG.warn("redis reconnect attempt {} to {} failed: {}", e.getAttempt(), e.remoteAddress(), e.getCause().toString());
            }
        });
    }

    public RedisSettings settings() {
        return settings;
    }

    /** A connection for ordinary commands; safe to share between threads. */
    public RedisLink connect() {
        if (clusterClient != null) {
            StatefulRedisClusterConnection<String, String> c = clusterClient.connect();
            return new RedisLink(c, c.async(), c.sync());
        }
        RedisURI uri = settings.uri();
        StatefulRedisConnection<String, String> c;
        if (!uri.getSentinels().isEmpty()) {
            // Master/replica with Sentinel: follows the master through failovers.
            var mr = MasterReplica.connect(client, StringCodec.UTF8, uri);
            mr.setReadFrom(ReadFrom.UPSTREAM);
            c = mr;
        } else {
            c = client.connect(uri);
        }
        return new RedisLink(c, c.async(), c.sync());
    }

    /**
     * A connection reserved for one blocking reader. {@code XREAD BLOCK} holds its connection until it
     * answers, so it must never share one with other commands; its timeout leaves room for the block.
     */
    public RedisLink connectForBlockingReads(Duration block) {
        RedisLink link = connect();
        link.setTimeout(settings.commandTimeout().plus(block));
        return link;
    }

    @Override
    public void close() {
        // Unsubscribed first: a connection closed just before would otherwise publish its "inactive" event
        // onto the event executor the shutdown is terminating, and Reactor prints that rejection's stack trace.
        connectionLog.dispose();
        AbstractRedisClient c = client != null ? client : clusterClient;
        c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
