package dev.herald.gateway.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A publisher or gateway running as its own JVM from its fat jar, as in production: so tests can kill
 * it with SIGKILL or drain it with SIGTERM. Its output goes to a log file in {@code logDir}.
 */
public final class ServiceProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final int port;
    private final int adminPort;
    private final Path log;

    private ServiceProcess(String name, Process process, int port, int adminPort, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.adminPort = adminPort;
        this.log = log;
    }

    /** The fat jar of a module, built by {@code mvn package} before integration tests run. */
    public static Path jar(String module) {
        Path here = Path.of("").toAbsolutePath();
        Path jar = (here.endsWith("gateway") ? here.getParent() : here).resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run 'mvn package' (integration tests run in 'mvn verify')");
        }
        return jar;
    }

    /** Starts {@code module}'s jar with {@code properties} on free ports and waits until it is ready. */
    public static ServiceProcess start(String module, String name, Map<String, String> properties, Path logDir) throws IOException {
        int port = freePort();
        int admin = freePort();
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dherald.http.host=127.0.0.1", "-Dherald.http.port=" + port, "-Dherald.admin.port=" + admin));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", jar(module).toString()));
        Path log = logDir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ServiceProcess service = new ServiceProcess(name, p, port, admin, log);
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        service.awaitReady(Duration.ofSeconds(30));
        return service;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    public void awaitReady(Duration timeout) {
        Awaitility.await(name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log: " + tail());
            }
            return ready();
        });
    }

    /** True if the admin port answers {@code /health/ready} with 200. */
    public boolean ready() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + adminPort + "/health/ready").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public int adminPort() {
        return adminPort;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: the process dies at once, like a crashed node. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process freezes (what a long GC pause, CPU starvation or a partition looks like); its sockets stay open. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a paused process goes on from where it froze. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited with " + exit);
        }
    }

    /** SIGTERM: the process shuts down as it would when an orchestrator stops it. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit; returns false on timeout. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines of its log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * The value of the first sample on its admin port's {@code /metrics} whose line starts with the regex
     * {@code series} (e.g. {@code herald_gateway_connections}); NaN if there is none or it cannot be reached.
     */
    public double metric(String series) {
        List<Double> values = samples(series);
        return values.isEmpty() ? Double.NaN : values.get(0);
    }

    /** The sum of every sample whose line starts with {@code series}, over all its labels; NaN as {@link #metric}. */
    public double metricSum(String series) {
        List<Double> values = samples(series);
        return values.isEmpty() ? Double.NaN : values.stream().mapToDouble(Double::doubleValue).sum();
    }

    private List<Double> samples(String series) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + adminPort + "/metrics").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            String text;
            try (var in = c.getInputStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return Pattern.compile("(?m)^" + series + "[^\\n]* (\\S+)$").matcher(text).results()
                    .map(m -> Double.parseDouble(m.group(1))).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Open SSE streams on this gateway (0 when it cannot be asked: a dead gateway serves nobody). */
    public int openStreams() {
        double n = metric("herald_gateway_connections");
        return Double.isNaN(n) ? 0 : (int) n;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
