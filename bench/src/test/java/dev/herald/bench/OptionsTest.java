package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionsTest {
    @Test
    void parsesForms() {
        Options o = new Options(new String[] {"--connections", "1_000", "--rate=2.5", "--no-reconnect", "--sub", "a", "--sub", "b",
                "--duration", "500ms", "--typo", "1"});
        assertThat(o.integer("connections", 0)).isEqualTo(1000);
        assertThat(o.dbl("rate", 0)).isEqualTo(2.5);
        assertThat(o.flag("no-reconnect")).isTrue();
        assertThat(o.all("sub")).containsExactly("a", "b");
        assertThat(o.duration("duration", null)).isEqualTo(Duration.ofMillis(500));
        assertThat(o.duration("warmup", Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.unused()).containsExactly("--typo");
        assertThat(Options.parseDuration("20")).isEqualTo(Duration.ofSeconds(20));
        assertThat(Options.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    }
}
