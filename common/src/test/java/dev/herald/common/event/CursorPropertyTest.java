package dev.herald.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** The cursor codec: every cursor survives its text form, and no text makes the parser fail in an unplanned way. */
class CursorPropertyTest {
    private static final int PARTITIONS = 1024;

    @Property(tries = 2000)
    void aCursorParsedFromItsTextIsTheSameCursor(@ForAll("cursors") Cursor cursor) {
        assertThat(Cursor.parse(cursor.encode(), PARTITIONS)).isEqualTo(cursor);
    }

    @Property(tries = 2000)
    void theTextWithoutOnePartitionIsTheRestOfTheCursorFollowedByCommas(@ForAll("cursors") Cursor cursor) {
        int first = cursor.positions().keySet().iterator().next();
        Map<Integer, StreamId> rest = new TreeMap<>(cursor.positions());
        rest.remove(first);

        String prefix = cursor.encodeExcept(first, new StringBuilder()).toString();

        assertThat(prefix).isEqualTo(rest.isEmpty() ? "" : Cursor.of(rest).encode() + ",");
    }

    @Property(tries = 5000)
    void anyTextEitherParsesOrIsRefusedWithIllegalArgumentException(@ForAll("texts") String text) {
        Throwable thrown = catchThrowable(() -> Cursor.parse(text, 16));

        if (thrown != null) {
            assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class);
            assertThat(thrown.getMessage()).isNotBlank();
        } else {
            assertThat(Cursor.parse(text, 16).positions()).isNotEmpty();
        }
    }

    @Property(tries = 200)
    void theTextOfACursorNamingAPartitionOutsideTheCountIsRefused(@ForAll("cursors") Cursor cursor) {
        int highest = Collections.max(cursor.positions().keySet());

        Throwable thrown = catchThrowable(() -> Cursor.parse(cursor.encode(), highest));

        assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<Cursor> cursors() {
        Arbitrary<StreamId> ids = Combinators.combine(
                Arbitraries.longs().between(0, Long.MAX_VALUE).edgeCases(c -> c.includeOnly(0L, Long.MAX_VALUE)),
                Arbitraries.longs().between(0, Long.MAX_VALUE).edgeCases(c -> c.includeOnly(0L, Long.MAX_VALUE)))
                .as(StreamId::new);
        return Arbitraries.maps(Arbitraries.integers().between(0, PARTITIONS - 1), ids).ofMinSize(1).ofMaxSize(32).map(Cursor::of);
    }

    /** Mostly near-misses of the cursor grammar, some arbitrary text, some over the length limit. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> grammar = Arbitraries.strings().withChars("0123456789:-,").ofMaxLength(60);
        Arbitrary<String> pieces = Arbitraries.of("0", "15", "16", "9999", "00000", "-", ":", ",", "1-1", "0:0-0", "99999999999999999999",
                        "9223372036854775807", "9223372036854775808", " ", "+1", "٣", "\u0000", "")
                .list().ofMaxSize(12).map(list -> String.join("", list));
        Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<String> huge = Arbitraries.of("0:1-1,".repeat(3000), "1".repeat(Cursor.MAX_TEXT_LENGTH + 1));
        return Arbitraries.frequencyOf(
                Tuple.of(4, grammar), Tuple.of(4, pieces), Tuple.of(2, anything),
                Tuple.of(1, huge));
    }
}
