package dev.herald.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    @Test
    void environmentNamesFollowOneRule() {
        assertThat(ConfigLoader.environmentName("herald.publisher.limits.max-body")).isEqualTo("HERALD_PUBLISHER_LIMITS_MAX_BODY");
        assertThat(ConfigLoader.environmentName("herald.redis.uri")).isEqualTo("HERALD_REDIS_URI");
    }

    @Test
    void anUnknownHeraldVariableIsReportedWithTheNearestKnownOne() {
        var config = ConfigFactory.parseString("""
                herald.redis.uri = "redis://x"
                herald.publisher.limits.max-body = 1MiB
                herald.publisher.limits.max-batch = 10
                """);
        var warnings = ConfigLoader.unknownEnvironment(config, Map.of(
                "HERALD_REDIS_URI", "redis://y", // known
                "HERALD_LOG_LEVEL", "DEBUG", // read by logback
                "HERALD_PUBLISHER_MAX_BODY", "2MiB", // the old name
                "HERALD_REDSI_URI", "redis://z", // a typo
                "HERALD_GATEWAY_DRAIN_PERIOD", "5s", // another service's, from a shared ConfigMap
                "PATH", "/bin"));
        assertThat(warnings).containsExactly(
                "unknown environment variable HERALD_PUBLISHER_MAX_BODY is ignored; did you mean HERALD_PUBLISHER_LIMITS_MAX_BODY?",
                "unknown environment variable HERALD_REDSI_URI is ignored; did you mean HERALD_REDIS_URI?");
    }

    @Test
    void levenshteinCountsEdits() {
        assertThat(ConfigLoader.levenshtein("kitten", "sitting")).isEqualTo(3);
        assertThat(ConfigLoader.levenshtein("", "abc")).isEqualTo(3);
        assertThat(ConfigLoader.levenshtein("same", "same")).isZero();
    }
}
