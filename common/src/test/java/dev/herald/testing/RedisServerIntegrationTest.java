package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.net.ConnectException;
import java.net.Socket;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The harness itself: every other Redis test trusts it to hand out a working, isolated server. */
class RedisServerIntegrationTest {

    @Test
    void answersPingAndServesSetAndGetOverLettuce() {
        try (RedisServer server = RedisServer.start()) {
            withCommands(server, redis -> {
                assertThat(redis.ping()).isEqualTo("PONG");
                redis.set("greeting", "hello");
                assertThat(redis.get("greeting")).isEqualTo("hello");
            });
        }
    }

    @Test
    void restartKeepsAppendOnlyDataOnTheSamePort() {
        try (RedisServer server = RedisServer.start(RedisServer.Options.defaults().withAppendOnly(true))) {
            assumeTrue(server.isLocalProcess(), "restart needs redis-server as a local process");
            int port = server.port();
            long pid = server.pid();
            withCommands(server, redis -> redis.set("survivor", "still here"));

            server.restart();

            assertThat(server.port()).isEqualTo(port);
            assertThat(server.pid()).isNotEqualTo(pid);
            withCommands(server, redis -> assertThat(redis.get("survivor")).isEqualTo("still here"));
        }
    }

    @Test
    void killMakesThePortRefuseConnections() {
        try (RedisServer server = RedisServer.start()) {
            assumeTrue(server.isLocalProcess(), "kill needs redis-server as a local process");

            server.kill();

            assertThatThrownBy(() -> new Socket(server.host(), server.port()).close())
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void twoServersListenOnDifferentPorts() {
        try (RedisServer first = RedisServer.start(); RedisServer second = RedisServer.start()) {
            assertThat(first.port()).isNotEqualTo(second.port()).isNotEqualTo(6379);
            first.send("SET", "owner", "first");
            assertThat(second.send("GET", "owner")).isNull();
        }
    }

    @Test
    void clusterEnabledServerOwnsEverySlot() {
        try (RedisServer server = startOrAbort(RedisServer.Options.defaults().withClusterEnabled(true));
                RedisClusterClient client = RedisClusterClient.create(server.uri());
                StatefulRedisClusterConnection<String, String> connection = client.connect()) {
            assertThat(server.send("CLUSTER", "INFO")).contains("cluster_slots_assigned:16384");
            connection.sync().set("{p0}:key", "value");
            assertThat(connection.sync().get("{p0}:key")).isEqualTo("value");
        }
    }

    @Nested
    class WhenRegisteredAsAnExtension {
        @RegisterExtension
        static final RedisExtension redis = new RedisExtension();

        @Test
        void resolvesTheClassServerAsAParameter(RedisServer server) {
            assertThat(server).isSameAs(redis.server());
            assertThat(redis.uri()).isEqualTo(server.uri());
        }

        @Test
        void flushAllEmptiesRedis() {
            redis.server().send("SET", "leftover", "x");

            redis.flushAll();

            assertThat(redis.server().send("DBSIZE")).isEqualTo("0");
        }
    }

    /** Skips the test where the harness cannot provide the requested setup (containers do not support cluster). */
    private static RedisServer startOrAbort(RedisServer.Options options) {
        try {
            return RedisServer.start(options);
        } catch (UnsupportedOperationException e) {
            return abort(e.getMessage());
        }
    }

    private static void withCommands(RedisServer server, Consumer<RedisCommands<String, String>> body) {
        try (RedisClient client = RedisClient.create(server.uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            body.accept(connection.sync());
        }
    }
}
