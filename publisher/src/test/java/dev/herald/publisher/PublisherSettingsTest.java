package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.herald.common.config.ConfigLoader;
import dev.herald.common.topic.Topic;
import dev.herald.common.retention.Retention;
import dev.herald.common.retention.RetentionPolicy;
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
        assertThat(settings.retention().defaults().maxLen()).isEqualTo(10_000);
        assertThat(settings.retention().defaults().maxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.maxEventBytes()).isEqualTo(256 * 1024);
        assertThat(settings.maxBatch()).isEqualTo(1000);
        assertThat(settings.maxHeaderBytes()).isEqualTo(32 * 1024);
        assertThat(settings.retention().overrides()).isEmpty();
        assertThat(settings.idempotencyWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.minReplicaAcks()).isZero();
        assertThat(settings.replicaAckTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.auth().enabled()).as("off, so the quick start works").isFalse();
        assertThat(settings.auth().tokens().hasKeys()).isFalse();
        assertThat(settings.auth().apiKeys().isEmpty()).isTrue();
        assertThat(settings.cors().enabled()).as("no CORS headers unless origins are listed").isFalse();
    }

    @Test
    void readsRetentionOverridesInOrderWithMissingLimitsTakenFromTheDefault() {
        PublisherSettings settings = PublisherSettings.from(ConfigFactory.parseString("""
                herald.retention.max-len = 500
                herald.retention.overrides = [
                  { pattern = "chat.*", max-len = 1000, max-age = 1h }
                  { pattern = "chat.archive", max-len = 5 }
                  { pattern = "audit.*", max-len = 0, max-age = 30d }
                  { pattern = "*.fast", max-age = 0 }
                  { pattern = "session.*", max-age = 0, idle-ttl = 2h }
                ]""").withFallback(ConfigLoader.load()));

        RetentionPolicy policy = settings.retention();
        assertThat(policy.of(Topic.of("chat.room1"))).isEqualTo(new Retention(1000, Duration.ofHours(1), Duration.ofDays(30)));
        assertThat(policy.of(Topic.of("chat.archive"))).as("the first match wins").isEqualTo(new Retention(1000, Duration.ofHours(1), Duration.ofDays(30)));
        assertThat(policy.of(Topic.of("audit.login"))).isEqualTo(new Retention(0, Duration.ofDays(30), Duration.ofDays(30)));
        assertThat(policy.of(Topic.of("prices.fast"))).isEqualTo(new Retention(500, Duration.ZERO, Duration.ofDays(30)));
        assertThat(policy.of(Topic.of("orders"))).isEqualTo(new Retention(500, Duration.ofHours(24), Duration.ofDays(30)));
        assertThat(policy.of(Topic.of("orders")).ttl()).as("max-age, when set, is the TTL").isEqualTo(Duration.ofHours(24));
        assertThat(policy.of(Topic.of("prices.fast")).ttl()).as("else the idle TTL").isEqualTo(Duration.ofDays(30));
        assertThat(policy.of(Topic.of("session.42")).ttl()).isEqualTo(Duration.ofHours(2));
    }

    static Stream<Arguments> badRetentionOverrides() {
        return Stream.of(
                Arguments.of("[ { max-len = 5 } ]", "herald.retention.overrides[0].pattern"),
                Arguments.of("[ { pattern = \"chat/*\", max-len = 5 } ]", "herald.retention.overrides[0].pattern"),
                Arguments.of("[ { pattern = \"a\" }, { pattern = \"b\", max-len = -1 } ]", "herald.retention.overrides[1]"),
                Arguments.of("[ { pattern = \"a\", max-len = 0, max-age = 0 } ]", "herald.retention.overrides[0]"),
                Arguments.of("[ { pattern = \"a\", max-age = forever } ]", "herald.retention.overrides[0]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRetentionOverrides")
    void failsWithOneLineNamingTheOverrideForABadRetentionOverride(String overrides, String key) {
        assertThatThrownBy(() -> PublisherSettings.from(ConfigFactory.parseString("herald.retention.overrides = " + overrides)
                .withFallback(ConfigLoader.load())))
                .isInstanceOf(ConfigLoader.BadConfigException.class)
                .hasMessageContaining(key)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void refusesAHistoryWithNeitherLengthNorAgeLimit() {
        assertThatThrownBy(() -> PublisherSettings.from(with(Map.of("herald.retention.max-len", 0, "herald.retention.max-age", "0s"))))
                .isInstanceOf(ConfigLoader.BadConfigException.class)
                .hasMessageContaining("herald.retention")
                .hasMessageContaining("grows without bound");
    }

    @Test
    void readsAllowedOriginsFromIndexedSystemPropertiesAndRefusesOneThatIsNotAnOrigin() {
        assertThat(PublisherSettings.from(with(Map.of("herald.cors.allowed-origins.0", "https://app.example.com"))).cors()
                .listed("https://app.example.com")).isTrue();
        assertThatThrownBy(() -> PublisherSettings.from(with(Map.of("herald.cors.allowed-origins.0", "https://app.example.com/"))))
                .isInstanceOf(ConfigLoader.BadConfigException.class)
                .hasMessageContaining("herald.cors.allowed-origins");
    }

    @Test
    void refusesReplicaAcksInClusterMode() {
        assertThatThrownBy(() -> PublisherSettings.from(with(Map.of("herald.redis.mode", "cluster", "herald.publisher.min-replica-acks", 1))))
                .isInstanceOf(ConfigLoader.BadConfigException.class)
                .hasMessageContaining("herald.publisher.min-replica-acks")
                .hasMessageContaining("cluster");
    }

    @Test
    void refusesAuthenticationWithNothingToAuthenticateAgainst() {
        assertThatThrownBy(() -> PublisherSettings.from(with(Map.of("herald.auth.enabled", true))))
                .isInstanceOf(ConfigLoader.BadConfigException.class)
                .hasMessageContaining("herald.auth.enabled");
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
        assertThat(settings.retention().defaults().maxLen()).isEqualTo(1);
        assertThat(settings.retention().defaults().maxAge()).isZero();
        assertThat(settings.maxBodyBytes()).isEqualTo(1024);
        assertThat(settings.maxEventBytes()).isEqualTo(1024);
        assertThat(settings.maxBatch()).isEqualTo(100_000);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("herald.feed.max-len", 10),
                Arguments.of("herald.feed.max-len", "long"),
                Arguments.of("herald.retention.max-len", -1),
                Arguments.of("herald.retention.max-age", "-1s"),
                Arguments.of("herald.retention.max-age", "500us"),
                Arguments.of("herald.retention.max-age", "forever"),
                Arguments.of("herald.publisher.limits.max-body", "1023B"),
                Arguments.of("herald.publisher.limits.queue-events", 0),
                Arguments.of("herald.publisher.limits.request-timeout", "1ms"),
                Arguments.of("herald.publisher.limits.max-body", "2GiB"),
                Arguments.of("herald.publisher.limits.max-event-data", "2MiB"),
                Arguments.of("herald.publisher.limits.max-event-data", 0),
                Arguments.of("herald.publisher.limits.max-batch", 0),
                Arguments.of("herald.publisher.limits.max-batch", 100_001),
                Arguments.of("herald.publisher.limits.max-batch", "many"),
                Arguments.of("herald.publisher.limits.max-header-size", "1KiB"),
                Arguments.of("herald.publisher.limits.max-header-size", "2MiB"),
                Arguments.of("herald.publisher.idempotency.window", "500ms"),
                Arguments.of("herald.publisher.idempotency.window", "31d"),
                Arguments.of("herald.publisher.min-replica-acks", -1),
                Arguments.of("herald.publisher.replica-ack-timeout", "0s"),
                Arguments.of("herald.publisher.replica-ack-timeout", "5s"),
                Arguments.of("herald.publisher.shutdown-grace", "2m"),
                Arguments.of("herald.auth.jwt.hs256-secret", "too-short"));
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
