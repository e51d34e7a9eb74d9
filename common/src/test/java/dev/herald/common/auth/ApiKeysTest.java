package dev.herald.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.herald.common.topic.Topic;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    private static final String CI_KEY = "hk_live_6f1d0c8e2b5a4f7c9e3d1b0a8f6e4c2d";
    private static final String OPS_KEY = "hk_live_0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d";

    private final ApiKeys keys = ApiKeys.from(config("""
            herald.auth.api-keys = [
              { key-sha256 = "%s", name = "ci", publish = ["orders.*"] }
              { key-sha256 = "%s", publish = ["*"], subscribe = ["*"] }
            ]""".formatted(ApiKeys.sha256Hex(CI_KEY), ApiKeys.sha256Hex(OPS_KEY).toUpperCase(Locale.ROOT))));

    @Test
    void aConfiguredKeyGrantsWhatItsEntrySays() {
        Grant ci = keys.verify(CI_KEY);

        assertThat(ci.subject()).isEqualTo("ci");
        assertThat(ci.expiresAt()).isNull();
        assertThat(ci.mayPublish(Topic.of("orders.eu"))).isTrue();
        assertThat(ci.mayPublish(Topic.of("prices"))).isFalse();
        assertThat(ci.maySubscribe(Topic.of("orders.eu"))).as("no subscribe list grants nothing").isFalse();
    }

    @Test
    void anUnnamedKeyIsNamedByItsPositionAndUpperCaseHexIsAccepted() {
        Grant ops = keys.verify(OPS_KEY);

        assertThat(ops.subject()).isEqualTo("api-key-2");
        assertThat(ops.maySubscribe(Topic.of("anything"))).isTrue();
    }

    @Test
    void anUnknownKeyIsRefusedAsApiKeyInvalid() {
        for (String wrong : new String[]{CI_KEY + "x", CI_KEY.substring(1), ApiKeys.sha256Hex(CI_KEY), "k".repeat(ApiKeys.MAX_KEY_LENGTH + 1)}) {
            assertThatThrownBy(() -> keys.verify(wrong))
                    .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.failure()).isEqualTo(AuthFailure.API_KEY_INVALID));
        }
    }

    @Test
    void anEmptyKeyIsMissing() {
        assertThatThrownBy(() -> keys.verify(""))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.failure()).isEqualTo(AuthFailure.TOKEN_MISSING));
    }

    @Test
    void theHashIsTheSha256OfTheUtf8BytesInLowerCaseHex() {
        assertThat(ApiKeys.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void withoutTheSettingThereAreNoKeys() {
        assertThat(ApiKeys.from(ConfigFactory.empty()).isEmpty()).isTrue();
    }

    @Test
    void aBadEntryIsRefusedNamingItsPosition() {
        String good = ApiKeys.sha256Hex("k");
        assertBad("herald.auth.api-keys = [ { key-sha256 = \"abc\" } ]", "herald.auth.api-keys[0].key-sha256");
        assertBad("herald.auth.api-keys = [ { publish = [\"*\"] } ]", "herald.auth.api-keys[0].key-sha256");
        assertBad("herald.auth.api-keys = [ { key-sha256 = \"" + good + "\" }, { key-sha256 = \"" + good + "\", publish = [\"a/b\"] } ]",
                "herald.auth.api-keys[1]");
    }

    private static void assertBad(String hocon, String key) {
        assertThatThrownBy(() -> ApiKeys.from(config(hocon))).isInstanceOf(ConfigException.class).hasMessageContaining(key);
    }

    private static Config config(String hocon) {
        return ConfigFactory.parseString(hocon);
    }
}
