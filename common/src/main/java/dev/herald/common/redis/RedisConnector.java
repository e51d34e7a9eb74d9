package dev.herald.common.redis;

import dev.herald.common.config.RedisSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;

/**
 * Opens Lettuce connections with the options Herald relies on: automatic reconnect, commands rejected
 * (not queued without limit) while Redis is unreachable, TCP keepalive, and a command timeout.
 */
public final class RedisConnector implements AutoCloseable {
    private final RedisClient client;
    private final RedisSettings settings;

    public RedisConnector(RedisSettings settings) {
        this.settings = settings;
        RedisURI uri = settings.uri();
        uri.setTimeout(settings.commandTimeout());
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .requestQueueSize(settings.requestQueueSize())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofSeconds(2))
                        .keepAlive(true)
                        .tcpNoDelay(true)
                        .build())
                .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
                .build());
    }

    public RedisSettings settings() {
        return settings;
    }

    /** A connection for ordinary commands; safe to share between threads. */
    public StatefulRedisConnection<String, String> connect() {
        return client.connect();
    }

    /**
     * A connection reserved for one blocking reader. {@code XREAD BLOCK} holds its connection until it
     * answers, so it must never share one with other commands; its timeout leaves room for the block.
     */
    public StatefulRedisConnection<String, String> connectForBlockingReads(Duration block) {
        StatefulRedisConnection<String, String> connection = client.connect();
        connection.setTimeout(settings.commandTimeout().plus(block));
        return connection;
    }

    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
