package dev.herald.common.startup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Redis version check reads {@code INFO server} as Redis writes it (CRLF lines, a section header first). */
class RedisVersionTest {
    private static String info(String version) {
        return "# Server\r\nredis_version:" + version + "\r\nredis_git_sha1:00000000\r\nredis_mode:standalone\r\nos:Linux\r\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.2.0", "6.2.14", "7.0.15", "7.4.1", "10.0.0", "255.255.255"})
    void aRedisWithXtrimMinidWillDo(String version) {
        assertThat(RedisVersion.problem(info(version))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.0.9", "6.1.0", "5.0.14", "4.0.0", "2.8.24"})
    void anOlderRedisIsRefusedWithItsVersionAndWhatIsNeeded(String version) {
        String major = version.substring(0, version.lastIndexOf('.'));
        assertThat(RedisVersion.problem(info(version)))
                .isEqualTo("Redis " + major + " is too old: Herald needs 6.2 or later (XTRIM MINID in the publish script)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "# Server\r\nredis_mode:standalone\r\n", "redis_version:unknown\r\n"})
    void anAnswerWithoutAVersionIsRefused(String info) {
        assertThat(RedisVersion.problem(info)).startsWith("Redis did not report redis_version");
    }
}
