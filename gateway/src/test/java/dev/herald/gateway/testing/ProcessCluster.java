package dev.herald.gateway.testing;

import dev.herald.testing.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Herald as real processes: a redis-server, a publisher and gateways started from the fat jars, optionally
 * behind HAProxy. Logs go to {@code target/it-logs/<name>*}. Closing stops everything that started, the
 * balancer first and Redis last; a start that fails part-way stops what it had started.
 */
public final class ProcessCluster implements AutoCloseable {
    private final Path dir;
    private final RedisServer redis;
    private ServiceProcess publisher;
    private final List<ServiceProcess> gateways = new ArrayList<>();
    private Haproxy haproxy;

    private ProcessCluster(Path dir, RedisServer redis) {
        this.dir = dir;
        this.redis = redis;
    }

    /**
     * Starts Redis, then the publisher and {@code gatewayCount} gateways ({@code gateway-0}, {@code gateway-1}...)
     * side by side: JVM start-up is most of a process test's time. Gateways get {@code gatewayProperties}.
     */
    public static ProcessCluster start(String name, RedisServer.Options redisOptions, int gatewayCount,
                                       Map<String, String> gatewayProperties) throws IOException, InterruptedException {
        return start(name, redisOptions, gatewayCount, gatewayProperties, Map.of());
    }

    /** As {@link #start(String, RedisServer.Options, int, Map)}, the publisher with {@code publisherProperties}. */
    public static ProcessCluster start(String name, RedisServer.Options redisOptions, int gatewayCount,
                                       Map<String, String> gatewayProperties, Map<String, String> publisherProperties)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-logs")), name);
        ProcessCluster cluster = new ProcessCluster(dir, RedisServer.start(redisOptions));
        try {
            Map<String, String> redisUri = Map.of("herald.redis.uri", cluster.redis.uri());
            Map<String, String> gatewayProps = new HashMap<>(gatewayProperties);
            gatewayProps.putAll(redisUri);
            Map<String, String> publisherProps = new HashMap<>(publisherProperties);
            publisherProps.putAll(redisUri);
            CompletableFuture<ServiceProcess> publisher = cluster.startAsync("publisher", "publisher", publisherProps);
            List<CompletableFuture<ServiceProcess>> gateways = new ArrayList<>();
            for (int i = 0; i < gatewayCount; i++) {
                gateways.add(cluster.startAsync("gateway", "gateway-" + i, gatewayProps));
            }
            cluster.publisher = publisher.join();
            for (CompletableFuture<ServiceProcess> g : gateways) {
                cluster.gateways.add(g.join());
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private CompletableFuture<ServiceProcess> startAsync(String module, String name, Map<String, String> properties) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ServiceProcess.start(module, name, properties, dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name, e);
            }
        });
    }

    /** Starts one more gateway ({@code gateway-<n>}) with {@code properties} beside the cluster's Redis URI. */
    public ServiceProcess startGateway(Map<String, String> properties) {
        Map<String, String> props = new HashMap<>(properties);
        props.put("herald.redis.uri", redis.uri());
        ServiceProcess g = startAsync("gateway", "gateway-" + gateways.size(), props).join();
        gateways.add(g);
        return g;
    }

    /** Puts HAProxy in front of the gateways. */
    public Haproxy balance() throws IOException {
        haproxy = Haproxy.start(gateways, dir);
        return haproxy;
    }

    /** Puts HAProxy in front of the gateways and, under {@code /v1/topics} and {@code /v1/events}, the publisher: one origin. */
    public Haproxy balanceWithPublisher() throws IOException {
        haproxy = Haproxy.start(gateways, publisher, dir);
        return haproxy;
    }

    public Path dir() {
        return dir;
    }

    public RedisServer redis() {
        return redis;
    }

    public ServiceProcess publisher() {
        return publisher;
    }

    public List<ServiceProcess> gateways() {
        return gateways;
    }

    public ServiceProcess gateway(int i) {
        return gateways.get(i);
    }

    @Override
    public void close() throws InterruptedException {
        if (haproxy != null) {
            haproxy.close();
        }
        for (ServiceProcess g : gateways) {
            g.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        redis.close();
    }
}
