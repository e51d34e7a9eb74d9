package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.herald.common.config.ConfigLoader;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PublisherSettingsTest {

    @Test
    void loadsThePublisherDefaultsFromItsReferenceConf() {
        PublisherSettings settings = PublisherSettings.from(ConfigLoader.load());

        assertThat(settings.feedMaxLen()).isEqualTo(100_000);
        assertThat(settings.retention().maxLen()).isEqualTo(10_000);
        assertThat(settings.retention().maxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.maxEventBytes()).isEqualTo(256 * 1024);
        assertThat(settings.maxBatch()).isEqualTo(1000);
    }

    @Test
    void readsOverriddenValues() {
        PublisherSettings settings = PublisherSettings.from(with(Map.of(
                "herald.feed.max-len", 100,
                "herald.retention.max-len", 1,
                "herald.retention.max-age", "0s",
                "herald.publisher.limits.max-body", "1KiB",
                "herald.publisher.limits.max-event-data", "1KiB",
                "herald.publisher.limits.max-batch", 100_000)));

        assertThat(settings.feedMaxLen()).isEqualTo(100);
        assertThat(settings.retention().maxLen()).isEqualTo(1);
        assertThat(settings.retention().maxAge()).isZero();
        assertThat(settings.maxBodyBytes()).isEqualTo(1024);
        assertThat(settings.maxEventBytes()).isEqualTo(1024);
        assertThat(settings.maxBatch()).isEqualTo(100_000);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("herald.feed.max-len", 10),
                Arguments.of("herald.feed.max-len", "long"),
                Arguments.of("herald.retention.max-len", 0),
                Arguments.of("herald.retention.max-age", "-1s"),
                Arguments.of("herald.retention.max-age", "500us"),
                Arguments.of("herald.retention.max-age", "forever"),
                Arguments.of("herald.publisher.limits.max-body", "1023B"),
                Arguments.of("herald.publisher.limits.max-body", "2GiB"),
                Arguments.of("herald.publisher.limits.max-event-data", "2MiB"),
                Arguments.of("herald.publisher.limits.max-event-data", 0),
                Arguments.of("herald.publisher.limits.max-batch", 0),
                Arguments.of("herald.publisher.limits.max-batch", 100_001),
                Arguments.of("herald.publisher.limits.max-batch", "many"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void failsWithOneLineNamingTheKeyForABadValue(String key, Object value) {
        assertThatThrownBy(() -> PublisherSettings.from(with(Map.of(key, value))))
                .isInstanceOf(ConfigLoader.BadConfigException.class)
                .hasCauseInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
    }

    @Test
    void refusesEventDataLargerThanTheBodyThatMustCarryIt() {
        assertThatThrownBy(() -> PublisherSettings.from(with(Map.of(
                "herald.publisher.limits.max-body", "64KiB", "herald.publisher.limits.max-event-data", "65KiB"))))
                .isInstanceOf(ConfigLoader.BadConfigException.class)
                .hasMessageContaining("herald.publisher.limits.max-event-data")
                .hasMessageContaining("must be between 1 byte and max-body");
    }

    private static Config with(Map<String, ?> overrides) {
        return ConfigFactory.parseMap(overrides).withFallback(ConfigLoader.load());
    }
}
