package dev.herald.gateway.testing;

import dev.herald.testing.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A master, a replica and one Sentinel watching them as {@code mymaster}: all real redis-server processes. */
public final class SentinelFixture implements AutoCloseable {
    public static final String MASTER_NAME = "mymaster";

    private final RedisServer master;
    private final RedisServer replica;
    private final Process sentinel;
    private final int sentinelPort;
    private final Path dir;

    public SentinelFixture() throws IOException {
        master = RedisServer.start();
        replica = RedisServer.start(RedisServer.Options.defaults().withExtraArgs("--replicaof", "127.0.0.1", String.valueOf(master.port())));
        Awaitility.await("replica in sync").atMost(Duration.ofSeconds(15))
                .until(() -> replica.send("INFO", "replication").contains("master_link_status:up"));
        dir = Files.createTempDirectory("herald-sentinel");
        sentinelPort = ServiceProcess.freePort();
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, """
                port %d
                bind 127.0.0.1
                daemonize no
                dir %s
                sentinel monitor %s 127.0.0.1 %d 1
                sentinel down-after-milliseconds %s 1000
                sentinel failover-timeout %s 5000
                """.formatted(sentinelPort, dir, MASTER_NAME, master.port(), MASTER_NAME, MASTER_NAME));
        sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel").redirectErrorStream(true)
                .redirectOutput(dir.resolve("sentinel.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(sentinel::destroyForcibly));
        Awaitility.await("sentinel sees the replica").atMost(Duration.ofSeconds(15)).until(() ->
                sentinelCli("SENTINEL", "replicas", MASTER_NAME).contains(String.valueOf(replica.port())));
    }

    /** The URI Herald is given: the Sentinel, and the master's name. */
    public String uri() {
        return "redis-sentinel://127.0.0.1:" + sentinelPort + "#" + MASTER_NAME;
    }

    public RedisServer master() {
        return master;
    }

    public RedisServer replica() {
        return replica;
    }

    /**
     * Asks Sentinel to fail over, and waits until the former replica is the master and the former master
     * has been turned into its replica.
     */
    public void failover() throws IOException, InterruptedException {
        String answer = sentinelCli("SENTINEL", "failover", MASTER_NAME);
        if (!answer.contains("OK")) {
            throw new IllegalStateException("SENTINEL FAILOVER: " + answer);
        }
        // Sentinel kills client connections of both servers while it reconfigures them: a reset probe is retried.
        Awaitility.await("replica promoted, old master demoted").atMost(Duration.ofSeconds(30))
                .ignoreException(UncheckedIOException.class).until(() ->
                replica.send("INFO", "replication").contains("role:master")
                        && master.send("INFO", "replication").contains("role:slave"));
    }

    private String sentinelCli(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "redis-cli";
        cmd[1] = "-p";
        cmd[2] = String.valueOf(sentinelPort);
        System.arraycopy(args, 0, cmd, 3, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    @Override
    public void close() {
        sentinel.destroyForcibly();
        replica.close();
        master.close();
    }
}
