package dev.herald.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One real Redis server owned by a test, so tests exercise the same Redis semantics (streams, scripts, AOF) as
 * production instead of a mock.
 *
 * <p>When a Docker engine is reachable the server runs in a Testcontainers {@code redis:7.2} container, which
 * needs nothing installed on the machine. Otherwise {@code redis-server} from {@code PATH} runs as a child
 * process on a free loopback port with its own temporary directory; only that mode supports {@link #kill()},
 * {@link #restart()} and {@link #pid()}, which crash-recovery tests and benchmarks need. Port 6379 is never
 * used, so a developer's own Redis is left alone.
 */
public final class RedisServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How to configure the server.
     *
     * @param appendOnly     turn on the append-only file, so data survives {@link #restart()} and {@link #kill()}
     * @param extraArgs      further {@code redis-server} arguments, e.g. {@code List.of("--maxmemory", "10mb")}
     * @param clusterEnabled run as a single-node Redis Cluster that owns all 16384 slots (local process only)
     */
    public record Options(boolean appendOnly, List<String> extraArgs, boolean clusterEnabled) {
        public Options {
            extraArgs = List.copyOf(extraArgs);
        }

        /** A plain, non-persistent, non-cluster server. */
        public static Options defaults() {
            return new Options(false, List.of(), false);
        }

        public Options withAppendOnly(boolean appendOnly) {
            return new Options(appendOnly, extraArgs, clusterEnabled);
        }

        public Options withExtraArgs(String... extraArgs) {
            return new Options(appendOnly, List.of(extraArgs), clusterEnabled);
        }

        public Options withClusterEnabled(boolean clusterEnabled) {
            return new Options(appendOnly, extraArgs, clusterEnabled);
        }
    }

    private final Backend backend;

    private RedisServer(Backend backend) {
        this.backend = backend;
        LOG.info("Redis ready at {} ({})", uri(), backend.isLocalProcess() ? "redis-server pid " + pid() : "container");
    }

    public static RedisServer start() {
        return start(Options.defaults());
    }

    public static RedisServer start(Options options) {
        if (DockerProbe.AVAILABLE) {
            return new RedisServer(new ContainerRedis(options));
        }
        Path executable = findOnPath("redis-server").orElseThrow(() -> new IllegalStateException(
                "redis-server not found on PATH and no Docker engine: install it with `apt-get install -y redis-server`"));
        return new RedisServer(new LocalRedis(executable, options));
    }

    public String uri() {
        return "redis://" + host() + ":" + port();
    }

    public String host() {
        return backend.host();
    }

    public int port() {
        return backend.port();
    }

    /** True when Redis is a child process of this JVM, which {@link #kill()}, {@link #restart()} and {@link #pid()} need. */
    public boolean isLocalProcess() {
        return backend.isLocalProcess();
    }

    /** The operating-system pid of the {@code redis-server} process, e.g. to read its CPU time from {@code /proc}. */
    public long pid() {
        return backend.pid();
    }

    /** Shuts Redis down gracefully (SIGTERM, so it flushes the AOF), forcing it after 10 s. */
    public void stop() {
        backend.stop();
    }

    /** Kills Redis with SIGKILL, as a crash would. */
    public void kill() {
        backend.kill();
    }

    /** Stops Redis if it runs, then starts it again on the same port and data directory. */
    public void restart() {
        backend.restart();
    }

    /**
     * Sends one command over a plain socket and returns the reply, so the harness needs no client library.
     * Supports simple-string, integer and bulk-string replies; an error reply throws {@link IllegalStateException}.
     */
    public String send(String... command) {
        try {
            return call(host(), port(), command);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach Redis at " + uri(), e);
        }
    }

    /** Stops Redis and deletes its data. */
    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + "]";
    }

    private static Optional<Path> findOnPath(String name) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static String call(String host, int port, String... command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
            for (String arg : command) {
                request.append('$').append(arg.getBytes(UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            socket.getOutputStream().write(request.toString().getBytes(UTF_8));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String line = readLine(in);
            return switch (line.charAt(0)) {
                case '+', ':' -> line.substring(1);
                case '$' -> {
                    int length = Integer.parseInt(line.substring(1));
                    yield length < 0 ? null : new String(in.readNBytes(length), UTF_8);
                }
                case '-' -> throw new IllegalStateException("Redis replied " + line.substring(1));
                default -> throw new IllegalStateException("unsupported Redis reply: " + line);
            };
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-reply");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(UTF_8);
    }

    /** True once Redis accepts connections and is done loading its data. */
    private static boolean answersPing(String host, int port) {
        try {
            return "PONG".equals(call(host, port, "PING"));
        } catch (IOException | IllegalStateException notYet) {
            return false;
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        }
    }

    /** The two ways of running Redis. */
    private interface Backend {
        String host();

        int port();

        boolean isLocalProcess();

        long pid();

        void stop();

        void kill();

        void restart();

        void close();
    }

    /** Probed once per JVM: the probe tries several Docker endpoints and is slow when none answers. */
    private static final class DockerProbe {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable noDocker) { // also NoClassDefFoundError when Testcontainers is not on the classpath
                return false;
            }
        }
    }

    /** {@code redis-server} as a child process; a shutdown hook kills any still running when the JVM exits. */
    private static final class LocalRedis implements Backend {
        private static final String HOST = "127.0.0.1";
        private static final int BIND_ATTEMPTS = 5;
        private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(
                    new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "redis-server-reaper"));
        }

        private final Path executable;
        private final Options options;
        private final Path dir;
        private final Path log;
        private int port;
        private Process process;

        LocalRedis(Path executable, Options options) {
            this.executable = executable;
            this.options = options;
            try {
                this.dir = Files.createTempDirectory("herald-redis-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a Redis data directory", e);
            }
            this.log = dir.resolve("redis.log");
            try {
                bindFreePort();
                if (options.clusterEnabled()) {
                    send("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
                    awaitClusterOk();
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Another process may grab the free port between probing and Redis binding it, so retry a few times. */
        private void bindFreePort() {
            for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
                port = freePort();
                if (launch()) {
                    return;
                }
                LOG.info("port {} was taken before redis-server could bind it; retrying", port);
            }
            throw new IllegalStateException("redis-server could not bind a free port in " + BIND_ATTEMPTS + " attempts");
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port", e);
            }
        }

        /** Starts redis-server on {@link #port} and waits for PING; false if the port was already in use. */
        private boolean launch() {
            try {
                process = new ProcessBuilder(command())
                        .redirectErrorStream(true)
                        .redirectOutput(Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run " + executable, e);
            }
            RUNNING.add(process);
            long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    RUNNING.remove(process);
                    String tail = logTail();
                    if (tail.contains("Address already in use")) {
                        return false;
                    }
                    throw new IllegalStateException("redis-server exited with status " + process.exitValue() + ":\n" + tail);
                }
                if (answersPing(HOST, port)) {
                    return true;
                }
                pause(Duration.ofMillis(20));
            }
            kill();
            throw new IllegalStateException(
                    "redis-server did not answer PING on port " + port + " within " + STARTUP_TIMEOUT + ":\n" + logTail());
        }

        private List<String> command() {
            List<String> command = new ArrayList<>(List.of(executable.toString(),
                    "--port", String.valueOf(port),
                    "--bind", HOST,
                    "--save", "",
                    "--appendonly", options.appendOnly() ? "yes" : "no",
                    "--dir", dir.toString(),
                    "--daemonize", "no",
                    "--protected-mode", "no",
                    "--logfile", log.toString()));
            if (options.clusterEnabled()) {
                command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes.conf").toString()));
            }
            command.addAll(options.extraArgs());
            return command;
        }

        /** A node serves commands only once it sees every slot covered. */
        private void awaitClusterOk() {
            long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
            while (!send("CLUSTER", "INFO").contains("cluster_state:ok")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cluster did not reach state ok within " + STARTUP_TIMEOUT);
                }
                pause(Duration.ofMillis(20));
            }
        }

        private String send(String... command) {
            try {
                return call(HOST, port, command);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String logTail() {
            try (Stream<String> lines = Files.lines(log)) {
                List<String> all = lines.toList();
                return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
            } catch (IOException | UncheckedIOException e) {
                return "(no log at " + log + ")";
            }
        }

        @Override
        public String host() {
            return HOST;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public boolean isLocalProcess() {
            return true;
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public void stop() {
            process.destroy();
            if (!awaitExit()) {
                kill();
            }
            RUNNING.remove(process);
        }

        @Override
        public void kill() {
            process.destroyForcibly();
            awaitExit();
            RUNNING.remove(process);
        }

        private boolean awaitExit() {
            try {
                return process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void restart() {
            if (process.isAlive()) {
                stop();
            }
            if (!launch()) {
                throw new IllegalStateException("port " + port + " was taken while redis-server was down");
            }
            if (options.clusterEnabled()) {
                awaitClusterOk();
            }
        }

        @Override
        public void close() {
            if (process != null) { // null only if the first launch could not even run the executable
                stop();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                LOG.warn("cannot delete Redis data directory {}", dir, e);
            }
        }
    }

    /** Redis in a container; Testcontainers' reaper removes it if the JVM dies. */
    private static final class ContainerRedis implements Backend {
        private static final DockerImageName IMAGE = DockerImageName.parse("redis:7.2");
        private static final int REDIS_PORT = 6379; // inside the container only; the host port is random

        private final GenericContainer<?> container;

        ContainerRedis(Options options) {
            if (options.clusterEnabled()) {
                throw unsupported("clusterEnabled (the node would announce an address the host cannot reach)");
            }
            List<String> command = new ArrayList<>(List.of(
                    "redis-server", "--save", "", "--appendonly", options.appendOnly() ? "yes" : "no"));
            command.addAll(options.extraArgs());
            container = new GenericContainer<>(IMAGE)
                    .withExposedPorts(REDIS_PORT)
                    .withCommand(command.toArray(String[]::new));
            container.start();
        }

        private static UnsupportedOperationException unsupported(String what) {
            return new UnsupportedOperationException(what + " needs redis-server as a local process, but Redis runs"
                    + " in a container because Docker is available; check RedisServer.isLocalProcess() first");
        }

        @Override
        public String host() {
            return container.getHost();
        }

        @Override
        public int port() {
            return container.getMappedPort(REDIS_PORT);
        }

        @Override
        public boolean isLocalProcess() {
            return false;
        }

        @Override
        public long pid() {
            throw unsupported("pid()");
        }

        @Override
        public void stop() {
            container.stop();
        }

        @Override
        public void kill() {
            throw unsupported("kill()");
        }

        @Override
        public void restart() {
            throw unsupported("restart()");
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
