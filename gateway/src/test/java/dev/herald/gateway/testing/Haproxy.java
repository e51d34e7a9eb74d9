package dev.herald.gateway.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real HAProxy in front of gateways, configured as a production SSE deployment would be: long tunnel
 * timeouts, health checks on the gateways' readiness, and retries with redispatch so a client whose
 * gateway died is sent to a live one instead of getting an error (which would end an EventSource).
 * Optionally the publisher sits behind the same address, routed by path.
 */
public final class Haproxy implements AutoCloseable {
    private final Process process;
    private final int port;

    private Haproxy(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static boolean isInstalled() {
        return Files.isExecutable(Path.of("/usr/sbin/haproxy")) || Files.isExecutable(Path.of("/usr/bin/haproxy"));
    }

    public static Haproxy start(List<ServiceProcess> gateways, Path dir) throws IOException {
        return start(gateways, null, dir);
    }

    /**
     * As {@link #start(List, Path)}, and with a {@code publisher} (may be null) behind the same address:
     * requests for the publisher API ({@code /v1/topics/...}, {@code /v1/events}) go to it, everything else
     * to the gateways. So a page the gateways serve can publish on its own origin, without CORS.
     */
    public static Haproxy start(List<ServiceProcess> gateways, ServiceProcess publisher, Path dir) throws IOException {
        int port = ServiceProcess.freePort();
        StringBuilder cfg = new StringBuilder("""
                global
                  maxconn 8000
                defaults
                  mode http
                  timeout connect 1s
                  timeout client 1h
                  timeout server 1h
                  timeout tunnel 1h
                  timeout check 1s
                  retries 3
                  option redispatch
                frontend sse
                  bind 127.0.0.1:%d
                """.formatted(port));
        if (publisher != null) {
            cfg.append("""
                      acl publisher_api path /v1/topics /v1/events
                      acl publisher_api path_beg /v1/topics/
                      use_backend publisher if publisher_api
                    """);
        }
        cfg.append("""
                  default_backend gateways
                backend gateways
                  balance roundrobin
                  option httpchk GET /health/ready
                  default-server inter 300ms fall 2 rise 1
                """);
        for (int i = 0; i < gateways.size(); i++) {
            ServiceProcess g = gateways.get(i);
            cfg.append("  server g").append(i).append(" 127.0.0.1:").append(g.port()).append(" check port ").append(g.adminPort()).append('\n');
        }
        if (publisher != null) {
            cfg.append("""
                    backend publisher
                      option httpchk GET /health/ready
                      default-server inter 300ms fall 2 rise 1
                    """);
            cfg.append("  server p0 127.0.0.1:").append(publisher.port()).append(" check port ").append(publisher.adminPort()).append('\n');
        }
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        String bin = Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
        Process p = new ProcessBuilder(bin, "-db", "-f", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        Awaitility.await("haproxy listening").atMost(Duration.ofSeconds(10)).until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return new Haproxy(p, port);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
        process.destroyForcibly();
    }
}
