package dev.herald.common.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "7", "news", "chat:room-1", "weather.eu", "a_b-c.d:e~f", "0...", "A-", "x~~~", "Orders:2024-11-27"})
    void acceptsNamesFromTheAllowedAlphabetStartingWithALetterOrDigit(String name) {
        assertThat(Topic.problemWith(name)).isNull();
        assertThat(Topic.of(name).name()).isEqualTo(name);
        assertThat(new Topic(name)).hasToString(name).isEqualTo(Topic.of(name));
    }

    @Test
    void acceptsExactlyTheMaximumLength() {
        String name = "a".repeat(199) + "~";

        assertThat(name).hasSize(Topic.MAX_LENGTH);
        assertThat(Topic.of(name).name()).isEqualTo(name);
    }

    @Test
    void rejectsOneCharacterMoreThanTheMaximum() {
        String name = "a".repeat(Topic.MAX_LENGTH + 1);

        assertThat(Topic.problemWith(name)).isEqualTo("topic is longer than 200 characters");
        assertThatThrownBy(() -> Topic.of(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic is longer than 200 characters");
    }

    @Test
    void rejectsAMissingName() {
        assertThat(Topic.problemWith(null)).isEqualTo("topic is missing");
        assertThat(Topic.problemWith("")).isEqualTo("topic is missing");
        assertThatThrownBy(() -> new Topic(null)).isInstanceOf(IllegalArgumentException.class).hasMessage("topic is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {".hidden", "-dash", "_under", ":colon", "~tilde", " space", "a b", "a/b", "a?b", "a#b", "a%20b", "a{b}",
            "a*", "a\"b", "caf\u00E9", "\u65E5\u672C", "emoji\uD83D\uDE00", "\uFF21", "a\u0301", "tab\tx", "a\u00A0b", "A\u212A"})
    void rejectsOtherCharactersAndOtherFirstCharacters(String name) {
        String expected = "topic '" + name.replace("\t", "\\u0009")
                + "' has characters outside A-Z a-z 0-9 _ - . : ~ or does not start with a letter or digit";

        assertThat(Topic.problemWith(name)).isEqualTo(expected);
        assertThatThrownBy(() -> Topic.of(name)).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
    }

    @Test
    void escapesControlCharactersInTheMessage() {
        assertThat(Topic.problemWith("evil\r\nSet-Cookie: x\u007f"))
                .startsWith("topic 'evil\\u000d\\u000aSet-Cookie: x\\u007f' has characters")
                .doesNotContain("\r", "\n");
    }

    @Test
    void showsAtMost64CharactersOfABadName() {
        String name = "!" + "b".repeat(150);

        assertThat(Topic.problemWith(name)).startsWith("topic '!" + "b".repeat(63) + "' has characters");
    }

    @Test
    void reportsLengthBeforeAlphabetForALongBadName() {
        assertThat(Topic.problemWith("\u00E9".repeat(201))).isEqualTo("topic is longer than 200 characters");
    }
}
