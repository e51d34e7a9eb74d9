package dev.herald.common.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;

/**
 * One Redis connection, seen through the commands a single node and a cluster have in common, so the
 * services need not care which they talk to. Every key a command names is within one hash slot.
 */
public final class RedisLink implements AutoCloseable {
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> async;
    private final RedisClusterCommands<String, String> sync;

    RedisLink(StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> async,
              RedisClusterCommands<String, String> sync) {
        this.connection = connection;
        this.async = async;
        this.sync = sync;
    }

    public RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    public RedisClusterCommands<String, String> sync() {
        return sync;
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    void setTimeout(Duration timeout) {
        connection.setTimeout(timeout);
    }

    @Override
    public void close() {
        connection.close();
    }
}
