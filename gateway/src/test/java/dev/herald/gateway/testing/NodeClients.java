package dev.herald.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The Node.js clients under src/test/node (npm eventsource, playwright-core), installed on first use. */
public final class NodeClients {
    public static final Path DIR = Path.of("src", "test", "node").toAbsolutePath();

    private NodeClients() {
    }

    /** Runs {@code npm ci} (pinned by package-lock.json) unless the packages are already there. */
    public static synchronized void install() throws Exception {
        Path modules = DIR.resolve("node_modules");
        if (Files.isDirectory(modules.resolve("eventsource")) && Files.isDirectory(modules.resolve("playwright-core"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile()).inheritIO().start();
        assertThat(npm.waitFor(180, TimeUnit.SECONDS)).as("npm ci finished").isTrue();
        assertThat(npm.exitValue()).as("npm ci").isZero();
    }
}
