package dev.herald.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"0-0", "1-0", "1732700000000-0", "1732700000000-17", "9223372036854775807-9223372036854775807"})
    void parsesWhatRedisPrintsAndPrintsItBack(String text) {
        assertThat(StreamId.parse(text).toString()).isEqualTo(text);
    }

    @Test
    void parsesBothParts() {
        assertThat(StreamId.parse("1732700000005-2")).isEqualTo(new StreamId(1732700000005L, 2));
    }

    @Test
    void readsLeadingZerosAsTheSameId() {
        assertThat(StreamId.parse("0001-002")).isEqualTo(new StreamId(1, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "1", "12", "1-", "-1", "-1-0", "1--0", "1-0-0", "a-0", "1-b", "1-0 ", " 1-0", "+1-0", "1-+0",
            "1.5-0", "1_0", "\u0661-0", "9223372036854775808-0", "0-9223372036854775808", "99999999999999999999-0",
            "18446744073709551616-0", "0-00000000000000000000"})
    void rejectsEveryOtherText(String text) {
        assertThatThrownBy(() -> StreamId.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream id");
    }

    @Test
    void rejectsNegativeParts() {
        assertThatThrownBy(() -> new StreamId(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamId(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ordersByMillisecondsThenSequence() {
        List<StreamId> sorted = List.of(StreamId.ZERO, new StreamId(0, 1), new StreamId(1, 0), new StreamId(1, 9),
                new StreamId(2, 0), new StreamId(10, 0), new StreamId(Long.MAX_VALUE, 0), new StreamId(Long.MAX_VALUE, Long.MAX_VALUE));
        List<StreamId> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new Random(7));

        Collections.sort(shuffled);

        assertThat(shuffled).containsExactlyElementsOf(sorted);
    }

    @Test
    void comparesNumericallyNotAsText() {
        assertThat(StreamId.parse("10-0")).isGreaterThan(StreamId.parse("9-0"));
        assertThat(StreamId.parse("5-10")).isGreaterThan(StreamId.parse("5-9"));
    }

    @Test
    void isAfterOnlyWhenStrictlyGreater() {
        StreamId id = new StreamId(5, 1);

        assertThat(id.isAfter(new StreamId(5, 0))).isTrue();
        assertThat(id.isAfter(new StreamId(4, 99))).isTrue();
        assertThat(id.isAfter(new StreamId(5, 1))).isFalse();
        assertThat(id.isAfter(new StreamId(5, 2))).isFalse();
        assertThat(id.isAfter(StreamId.ZERO)).isTrue();
        assertThat(StreamId.ZERO.isAfter(StreamId.ZERO)).isFalse();
    }

    @Test
    void roundTripsRandomIds() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            StreamId id = new StreamId(random.nextLong() & Long.MAX_VALUE, i % 2 == 0 ? random.nextInt(100) : random.nextLong() & Long.MAX_VALUE);

            assertThat(StreamId.parse(id.toString())).isEqualTo(id);
        }
    }
}
