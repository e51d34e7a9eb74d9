package dev.herald.gateway.clients;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.testing.RedisExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A service that cannot listen where it is told refuses to start at once: exit status 1 and one line naming the
 * setting and the port, not a {@code BindException} stack trace. (The Redis version check is
 * {@code RedisVersionTest}: no Redis older than 6.2 is installable here to start against.)
 */
class StartupChecksIT {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    @ParameterizedTest(name = "{0} with {1} taken")
    @CsvSource({"publisher, herald.http.port", "publisher, herald.admin.port", "gateway, herald.http.port", "gateway, herald.admin.port"})
    void aPortInUseStopsTheStartWithOneLineNamingTheSettingAndPort(String module, String key) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int busy = taken.getLocalPort();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                    "-Dherald.redis.uri=" + redis.uri(), "-Dherald.http.host=127.0.0.1", "-Dherald.http.port=" + ServiceProcess.freePort(),
                    "-Dherald.admin.port=" + ServiceProcess.freePort()));
            command.add("-D" + key + "=" + busy);
            command.addAll(List.of("-jar", ServiceProcess.jar(module).toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isEqualTo(1);
            assertThat(output).contains("herald " + module + ": cannot start: " + key + " " + busy + " is already in use\n")
                    .doesNotContain("BindException").doesNotContain("\tat ");
        }
    }
}
