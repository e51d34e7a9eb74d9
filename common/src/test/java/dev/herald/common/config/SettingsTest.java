package dev.herald.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsTest {

    @Test
    void loadsTheReferenceDefaultsForRedis() {
        RedisSettings redis = ConfigLoader.read(ConfigLoader.load(), RedisSettings::from);

        assertThat(redis.uri().getHost()).isEqualTo("127.0.0.1");
        assertThat(redis.uri().getPort()).isEqualTo(6379);
        assertThat(redis.commandTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(redis.requestQueueSize()).isEqualTo(10_000);
        assertThat(redis.partitions().count()).isEqualTo(16);
        assertThat(redis.keys().prefix()).isEqualTo("herald");
        assertThat(redis.keys().feed(3)).isEqualTo("herald:{p3}:feed");
    }

    @Test
    void loadsTheReferenceDefaultsForTheListeners() {
        HttpSettings http = ConfigLoader.read(ConfigLoader.load(), HttpSettings::from);

        assertThat(http).isEqualTo(new HttpSettings("0.0.0.0", 8080, Runtime.getRuntime().availableProcessors(), "127.0.0.1", 9090, "",
                new ClientTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(75), Duration.ofSeconds(10), 64L << 20)));
    }

    @Test
    void readsOverriddenValues() {
        Config config = with(Map.of(
                "herald.redis.uri", "rediss://user:secret@redis.example:6380/2",
                "herald.redis.command-timeout", "750ms",
                "herald.redis.request-queue-size", 5,
                "herald.partitions", 1024,
                "herald.key-prefix", "hx",
                "herald.http.port", 0,
                "herald.http.io-threads", 3,
                "herald.admin.port", -1));

        RedisSettings redis = ConfigLoader.read(config, RedisSettings::from);
        HttpSettings http = ConfigLoader.read(config, HttpSettings::from);

        assertThat(redis.uri().isSsl()).isTrue();
        assertThat(redis.uri().getHost()).isEqualTo("redis.example");
        assertThat(redis.uri().getPort()).isEqualTo(6380);
        assertThat(redis.uri().getDatabase()).isEqualTo(2);
        assertThat(redis.commandTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(redis.requestQueueSize()).isEqualTo(5);
        assertThat(redis.partitions().count()).isEqualTo(1024);
        assertThat(redis.keys().history(0, dev.herald.common.topic.Topic.of("news"))).isEqualTo("hx:{p0}:t:news");
        assertThat(http.port()).isZero();
        assertThat(http.ioThreads()).isEqualTo(3);
        assertThat(http.adminPort()).isEqualTo(-1);
    }

    static Stream<Arguments> badValues() {
        Function<Config, Object> redis = RedisSettings::from;
        Function<Config, Object> http = HttpSettings::from;
        return Stream.of(
                Arguments.of("herald.partitions", 0, redis),
                Arguments.of("herald.partitions", 1025, redis),
                Arguments.of("herald.partitions", "many", redis),
                Arguments.of("herald.redis.uri", "not a uri://", redis),
                Arguments.of("herald.redis.uri", "", redis),
                Arguments.of("herald.redis.command-timeout", "0s", redis),
                Arguments.of("herald.redis.command-timeout", "-1s", redis),
                Arguments.of("herald.redis.command-timeout", "soon", redis),
                Arguments.of("herald.redis.request-queue-size", 0, redis),
                Arguments.of("herald.key-prefix", "", redis),
                Arguments.of("herald.key-prefix", "a{b}", redis),
                Arguments.of("herald.http.port", 70000, http),
                Arguments.of("herald.http.port", -1, http),
                Arguments.of("herald.http.port", "http", http),
                Arguments.of("herald.http.io-threads", -1, http),
                Arguments.of("herald.http.io-threads", 1025, http),
                Arguments.of("herald.admin.port", -2, http),
                Arguments.of("herald.admin.port", 65536, http),
                Arguments.of("herald.admin.port", Map.of("nested", 1), http));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void failsWithOneLineNamingTheKeyForABadValue(String key, Object value, Function<Config, Object> reader) {
        Config config = with(Map.of(key, value));

        assertThatThrownBy(() -> ConfigLoader.read(config, reader))
                .isInstanceOf(ConfigLoader.BadConfigException.class)
                .hasCauseInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
    }

    @Test
    void explainsWhatAValueMustBe() {
        assertThatThrownBy(() -> ConfigLoader.read(with(Map.of("herald.partitions", 0)), RedisSettings::from))
                .hasMessageContaining("herald.partitions")
                .hasMessageContaining("must be between 1 and 1024");
        assertThatThrownBy(() -> ConfigLoader.read(with(Map.of("herald.redis.uri", "not a uri://")), RedisSettings::from))
                .hasMessageContaining("'not a uri://' is not a Redis URI");
    }

    @Test
    void failsWithOneLineForAMissingKey() {
        Config config = ConfigFactory.parseMap(Map.of("herald.http.port", 1));

        assertThatThrownBy(() -> ConfigLoader.read(config, HttpSettings::from))
                .isInstanceOf(ConfigLoader.BadConfigException.class)
                .hasMessageContaining("herald.http.io-threads")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void letsASystemPropertyOverrideTheDefault() {
        String before = System.getProperty("herald.partitions");
        System.setProperty("herald.partitions", "7");
        try {
            RedisSettings redis = ConfigLoader.read(ConfigLoader.load(), RedisSettings::from);

            assertThat(redis.partitions().count()).isEqualTo(7);
        } finally {
            if (before == null) {
                System.clearProperty("herald.partitions");
            } else {
                System.setProperty("herald.partitions", before);
            }
            ConfigFactory.invalidateCaches();
        }
        assertThat(ConfigLoader.read(ConfigLoader.load(), RedisSettings::from).partitions().count())
                .as("a later load no longer sees the cleared property")
                .isEqualTo(16);
    }

    @Test
    void rejectsABadSystemPropertyWithOneLineNamingTheKey() {
        System.setProperty("herald.admin.port", "-2");
        try {
            Config config = ConfigLoader.load();

            assertThatThrownBy(() -> ConfigLoader.read(config, HttpSettings::from))
                    .isInstanceOf(ConfigLoader.BadConfigException.class)
                    .hasMessageContaining("herald.admin.port");
        } finally {
            System.clearProperty("herald.admin.port");
            ConfigFactory.invalidateCaches();
        }
    }

    private static Config with(Map<String, ?> overrides) {
        return ConfigFactory.parseMap(overrides).withFallback(ConfigLoader.load());
    }
}
