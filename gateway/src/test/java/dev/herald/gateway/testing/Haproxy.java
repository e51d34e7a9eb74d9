package dev.herald.gateway.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real HAProxy in front of gateways, with the {@code global} and {@code defaults} sections of the shipped
 * {@code deploy/haproxy/haproxy.cfg} (bounded socket buffers, long tunnel timeouts, retries with redispatch
 * so a client whose gateway died is sent to a live one instead of getting an error), and health checks on
 * the gateways' readiness. Optionally the publisher sits behind the same address, routed by path.
 */
public final class Haproxy implements AutoCloseable {
    /** The configuration docker-compose.yml ships; the repository root is two levels above gateway/target. */
    public static final Path SHIPPED = Path.of("..", "deploy", "haproxy", "haproxy.cfg");
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
     * requests for the publisher API ({@code /v1/topics/...}, {@code /v1/events}) and Mercure publishes
     * ({@code POST /.well-known/mercure}) go to it, everything else
     * to the gateways. So a page the gateways serve can publish on its own origin, without CORS.
     */
    public static Haproxy start(List<ServiceProcess> gateways, ServiceProcess publisher, Path dir) throws IOException {
        int port = ServiceProcess.freePort();
        Map<String, List<String>> shipped = sections(SHIPPED);
        StringBuilder cfg = new StringBuilder();
        for (String section : List.of("global", "defaults")) {
            cfg.append(section).append('\n');
            shipped.get(section).forEach(line -> cfg.append("  ").append(line).append('\n'));
        }
        cfg.append("""
                frontend sse
                  bind 127.0.0.1:%d
                """.formatted(port));
        if (publisher != null) {
            cfg.append("""
                      acl publisher_api path /v1/topics /v1/events
                      acl publisher_api path_beg /v1/topics/
                      use_backend publisher if publisher_api
                      use_backend publisher if { path /.well-known/mercure } METH_POST
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

    /**
     * The sections of an HAProxy configuration file in file order: each header line ({@code global},
     * {@code backend gateways}...) with its lines, trimmed, without comments and blank lines.
     */
    public static Map<String, List<String>> sections(Path file) throws IOException {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String raw : Files.readAllLines(file)) {
            String line = raw.replaceAll("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            if (!Character.isWhitespace(raw.charAt(0))) {
                current = new ArrayList<>();
                sections.put(line, current);
            } else if (current != null) {
                current.add(line);
            }
        }
        return sections;
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
