package dev.herald.gateway.testing;

import dev.herald.testing.RedisServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/** A Redis Cluster of three masters, each a {@code redis-server --cluster-enabled yes} process, joined by redis-cli. */
public final class RedisClusterFixture implements AutoCloseable {
    private final List<RedisServer> nodes = new ArrayList<>();

    public RedisClusterFixture() throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            nodes.add(RedisServer.start(RedisServer.Options.defaults().withExtraArgs(
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")));
        }
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(n -> cmd.add("127.0.0.1:" + n.port()));
        cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("redis-cli --cluster create failed: " + out);
        }
        Awaitility.await("cluster ok").atMost(Duration.ofSeconds(20)).until(() ->
                nodes.stream().allMatch(n -> n.send("CLUSTER", "INFO").contains("cluster_state:ok")));
    }

    /** Seed URIs for herald.redis.uri in cluster mode. */
    public String seeds() {
        return nodes.stream().map(RedisServer::uri).collect(Collectors.joining(","));
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
