package dev.herald.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repository's Dockerfile, built and run as an operator would: scripts/build-images.sh makes both images
 * with podman (on Debian bases it makes itself), scripts/test-images.sh starts them against Redis, publishes,
 * streams and resumes. Skipped, with the reason, only where podman cannot run (not root, not installed).
 */
class ContainerImagesIT {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerImagesIT.class);
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path CONTAINERS_CONF = ROOT.resolve("scripts/podman/containers.conf");

    @Test
    void bothImagesBuildStartAndDeliverAResumableStream() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "it-logs"));
        Result build = run(logs.resolve("build-images.log"), Duration.ofMinutes(30), ROOT.resolve("scripts/build-images.sh").toString());
        assertThat(build.exit()).as("scripts/build-images.sh, log: %s\n%s", build.log(), build.tail()).isZero();
        Result test = run(logs.resolve("test-images.log"), Duration.ofMinutes(5), ROOT.resolve("scripts/test-images.sh").toString());
        assertThat(test.exit()).as("scripts/test-images.sh, log: %s\n%s", test.log(), test.tail()).isZero();
        assertThat(Files.readString(test.log())).contains("images ok:");
    }

    @BeforeEach
    void podmanCanRunHere() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            abort("SKIPPED: building and running the images needs root (rootful podman, debootstrap)");
        }
        Result info;
        try {
            info = run(Path.of("target", "it-logs", "podman-info.log"), Duration.ofMinutes(1), "podman", "info");
        } catch (IOException e) {
            abort("SKIPPED: podman is not installed (apt-get install -y podman runc debootstrap): " + e.getMessage());
            return;
        }
        if (info.exit() != 0) {
            abort("SKIPPED: podman cannot run here: " + info.tail());
        }
    }

    private record Result(int exit, Path log) {
        String tail() throws IOException {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }
    }

    private static Result run(Path log, Duration timeout, String... command) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("CONTAINERS_CONF", CONTAINERS_CONF.toString());
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroy(); // the scripts' exit traps remove their containers
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout + "; log: " + log);
        }
        Result r = new Result(p.exitValue(), log);
        LOG.info("{} exited {}:\n{}", String.join(" ", command), r.exit(), r.tail());
        return r;
    }
}
