package dev.herald.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js clients under src/test/node (npm eventsource, playwright-core, jose) and the JavaScript client's own
 * tools (clients/js: typescript), installed on first use.
 */
public final class NodeClients {
    public static final Path DIR = Path.of("src", "test", "node").toAbsolutePath();
    /** clients/js: the gateway module's directory is the working directory of its tests. */
    public static final Path JS_CLIENT = Path.of("..", "clients", "js").toAbsolutePath().normalize();

    private NodeClients() {
    }

    /** Runs {@code npm ci} (pinned by package-lock.json) unless the packages are already there. */
    public static void install() throws Exception {
        npmCi(DIR, "eventsource", "playwright-core", "jose");
    }

    /** As {@link #install()}, for clients/js. */
    public static void installJsClientTools() throws Exception {
        npmCi(JS_CLIENT, "typescript");
    }

    private static synchronized void npmCi(Path dir, String... packages) throws Exception {
        Path modules = dir.resolve("node_modules");
        boolean installed = true;
        for (String p : packages) {
            installed &= Files.isDirectory(modules.resolve(p));
        }
        if (installed) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile()).inheritIO().start();
        assertThat(npm.waitFor(180, TimeUnit.SECONDS)).as("npm ci in %s finished", dir).isTrue();
        assertThat(npm.exitValue()).as("npm ci in %s", dir).isZero();
    }
}
