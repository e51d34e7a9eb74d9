package dev.herald.publisher.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "ascii", "\u0000\u007f", "\u0080ł\u07ff", "\u0800€\uffff", "🎉", "a🎉bł€\ud800\udc00\udbff\udfff"})
    void countsTheSameBytesAsEncoding(String s) {
        assertThat(Utf8.length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }

    @ParameterizedTest(name = "{index}")
    @ValueSource(strings = {"\ud800", "a\ud800b", "\udc00", "a\udc00", "\udc00\ud800", "🎉\ud83d", "\ud83d\ud83d\udc00"})
    void findsAnUnpairedSurrogateAnywhere(String s) {
        assertThat(Utf8.length(s)).isEqualTo(Utf8.UNPAIRED_SURROGATE);
    }
}
