package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Starting and stopping: a start that fails part-way releases what it had already started. */
class PublisherLifecycleIntegrationTest {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    @Test
    void aStartWhoseAdminPortIsTakenFailsAndReleasesThePublicPortAndTheRedisConnection() throws IOException {
        int publicPort = freePort();
        long clientsBefore = redisClients();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, Object> ports = Map.of("herald.http.port", publicPort, "herald.admin.port", taken.getLocalPort());

            assertThatThrownBy(() -> Publisher.start(PublisherSettings.from(TestPublisher.config(redis.uri(), ports))))
                    .isInstanceOf(RuntimeException.class);
        }

        try (ServerSocket rebound = new ServerSocket(publicPort, 1, InetAddress.getLoopbackAddress())) {
            assertThat(rebound.getLocalPort()).as("public port free again").isEqualTo(publicPort);
        }
        assertThat(redisClients()).as("Redis connections").isEqualTo(clientsBefore);
    }

    @Test
    void aStartedPublisherClosesItsListenersAndItsRedisConnection() throws IOException {
        int publicPort = freePort();
        long clientsBefore = redisClients();
        Publisher publisher = Publisher.start(PublisherSettings.from(TestPublisher.config(redis.uri(), Map.of("herald.http.port", publicPort))));
        assertThat(redisClients()).isEqualTo(clientsBefore + 1);

        publisher.close();

        try (ServerSocket rebound = new ServerSocket(publicPort, 1, InetAddress.getLoopbackAddress())) {
            assertThat(rebound.getLocalPort()).isEqualTo(publicPort);
        }
        assertThat(redisClients()).isEqualTo(clientsBefore);
    }

    /** Clients connected to Redis, not counting the harness's own one-off connection that asks. */
    private static long redisClients() {
        return redis.server().send("CLIENT", "LIST").lines().count() - 1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
