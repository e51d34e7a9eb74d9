package dev.herald.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {
    private static final int PARTITIONS = 16;

    @Test
    void parsesEveryPartitionPosition() {
        Cursor cursor = Cursor.parse("3:1732700000000-0,11:1732700000005-2", PARTITIONS);

        assertThat(cursor.positions()).containsExactly(
                Map.entry(3, new StreamId(1732700000000L, 0)), Map.entry(11, new StreamId(1732700000005L, 2)));
        assertThat(cursor.position(11)).isEqualTo(new StreamId(1732700000005L, 2));
        assertThat(cursor.position(4)).isNull();
    }

    @Test
    void encodesPartitionsInNumericOrder() {
        Cursor cursor = Cursor.of(Map.of(11, new StreamId(5, 2), 3, new StreamId(7, 0), 0, StreamId.ZERO));

        assertThat(cursor.encode()).isEqualTo("0:0-0,3:7-0,11:5-2");
        assertThat(cursor).hasToString("0:0-0,3:7-0,11:5-2");
    }

    @Test
    void parsesPartsInAnyOrderToTheSameCursor() {
        Cursor shuffled = Cursor.parse("11:5-2,0:0-0,3:7-0", PARTITIONS);

        assertThat(shuffled).isEqualTo(Cursor.parse("0:0-0,3:7-0,11:5-2", PARTITIONS));
        assertThat(shuffled.hashCode()).isEqualTo(Cursor.parse("0:0-0,3:7-0,11:5-2", PARTITIONS).hashCode());
        assertThat(shuffled.encode()).isEqualTo("0:0-0,3:7-0,11:5-2");
    }

    @Test
    void acceptsTheLastPartitionAndRejectsTheOneAfter() {
        assertThat(Cursor.parse("15:1-0", PARTITIONS).position(15)).isEqualTo(new StreamId(1, 0));
        assertThatThrownBy(() -> Cursor.parse("16:1-0", PARTITIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event id names partition 16, outside 0..15");
    }

    @Test
    void differsWhenAnyPositionDiffers() {
        Cursor cursor = Cursor.parse("1:5-0,2:6-0", PARTITIONS);

        assertThat(cursor).isNotEqualTo(Cursor.parse("1:5-0,2:6-1", PARTITIONS));
        assertThat(cursor).isNotEqualTo(Cursor.parse("1:5-0", PARTITIONS));
        assertThat(cursor).isNotEqualTo(Cursor.parse("1:5-0,3:6-0", PARTITIONS));
    }

    @Test
    void exposesPositionsReadOnlyAndCopiesTheGivenMap() {
        Map<Integer, StreamId> source = new HashMap<>(Map.of(1, new StreamId(1, 0)));
        Cursor cursor = Cursor.of(source);

        source.put(2, new StreamId(2, 0));

        assertThat(cursor.positions()).containsOnlyKeys(1);
        assertThatThrownBy(() -> cursor.positions().put(3, StreamId.ZERO)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void encodesAllButOnePartitionEachFollowedByAComma() {
        Cursor cursor = Cursor.parse("1:10-0,3:30-1,5:50-2", PARTITIONS);

        assertThat(cursor.encodeExcept(3, new StringBuilder()).toString()).isEqualTo("1:10-0,5:50-2,");
        assertThat(cursor.encodeExcept(1, new StringBuilder()).toString()).isEqualTo("3:30-1,5:50-2,");
        assertThat(cursor.encodeExcept(5, new StringBuilder()).toString()).isEqualTo("1:10-0,3:30-1,");
        assertThat(cursor.encodeExcept(7, new StringBuilder()).toString()).as("a partition the cursor lacks")
                .isEqualTo("1:10-0,3:30-1,5:50-2,");
    }

    @Test
    void encodesNothingExceptingTheOnlyPartition() {
        assertThat(Cursor.parse("4:1-0", PARTITIONS).encodeExcept(4, new StringBuilder()).toString()).isEmpty();
    }

    @Test
    void appendsToTheGivenBuilder() {
        StringBuilder out = new StringBuilder("id: ");

        StringBuilder returned = Cursor.parse("1:10-0,3:30-1", PARTITIONS).encodeExcept(-1, out);

        assertThat(returned).isSameAs(out);
        assertThat(out.toString()).isEqualTo("id: 1:10-0,3:30-1");
    }

    @Test
    void readsBackAPrefixFromEncodeExceptCompletedWithThatPartitionsNewPosition() {
        Cursor cursor = Cursor.parse("1:10-0,3:30-1,5:50-2", PARTITIONS);

        String id = cursor.encodeExcept(3, new StringBuilder()).append("3:31-0").toString();

        assertThat(Cursor.parse(id, PARTITIONS)).isEqualTo(Cursor.parse("1:10-0,3:31-0,5:50-2", PARTITIONS));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"                    | event id is empty",
            "11-0                    | is not <partition>:<ms>-<seq>",
            ":1-0                    | is not <partition>:<ms>-<seq>",
            "1:1-0,                  | is not <partition>:<ms>-<seq>",
            ",1:1-0                  | is not <partition>:<ms>-<seq>",
            "1:1-0,,2:1-0            | is not <partition>:<ms>-<seq>",
            "x:1-0                   | has no partition number",
            "1.0:1-0                 | has no partition number",
            "\" 1:1-0\"              | has no partition number",
            "1:1-0; 2:1-0            | not a stream id",
            "99999999999:1-0         | has no partition number",
            "16:1-0                  | outside 0..15",
            "-1:1-0                  | has no partition number",
            "2147483647:1-0          | has no partition number",
            "9999:1-0                | outside 0..15",
            "+3:1-0                  | has no partition number",
            "1:1-0,1:2-0             | names partition 1 twice",
            "1:2                     | not a stream id",
            "1:-3                    | not a stream id",
            "1:3-                    | not a stream id",
            "1:a-b                   | not a stream id",
            "1::1-0                  | not a stream id",
            "1:1-0:2                 | not a stream id",
            "1:1-0-0                 | not a stream id",
            "1:9223372036854775808-0 | stream id out of range",
            "1:0-9223372036854775808 | stream id out of range",
            "1:0-99999999999999999999 | not a stream id",
    })
    void rejectsMalformedText(String text, String message) {
        assertThatThrownBy(() -> Cursor.parse(text, PARTITIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Cursor.parse(null, PARTITIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event id is empty");
    }

    @Test
    void acceptsTextOfExactlyTheMaximumLength() {
        String text = cursorTextOfLength(Cursor.MAX_TEXT_LENGTH);

        Cursor cursor = Cursor.parse(text, 1024);

        assertThat(text).hasSize(16384);
        assertThat(cursor.positions()).hasSize(600).containsEntry(599, new StreamId(1, 0)).containsEntry(0, new StreamId(1, 0));
    }

    @Test
    void rejectsTextLongerThanTheMaximumBeforeParsingIt() {
        assertThatThrownBy(() -> Cursor.parse(cursorTextOfLength(Cursor.MAX_TEXT_LENGTH + 1), 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event id is longer than 16384 characters");
        assertThatThrownBy(() -> Cursor.parse("x".repeat(1_000_000), 1024))
                .hasMessage("event id is longer than 16384 characters");
    }

    @Test
    void clipsLongPartsInMessages() {
        String part = "p".repeat(500) + ":1-0";

        assertThatThrownBy(() -> Cursor.parse(part, PARTITIONS))
                .hasMessage("event id part '" + "p".repeat(40) + "...' has no partition number");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 16, 1024})
    void roundTripsRandomCursors(int partitionCount) {
        Random random = new Random(1_000L + partitionCount);
        for (int i = 0; i < 1000; i++) {
            Map<Integer, StreamId> positions = new HashMap<>();
            int size = 1 + random.nextInt(Math.min(partitionCount, 64));
            while (positions.size() < size) {
                positions.put(random.nextInt(partitionCount), randomId(random));
            }
            Cursor cursor = Cursor.of(positions);

            String text = cursor.encode();
            Cursor parsed = Cursor.parse(text, partitionCount);

            assertThat(parsed).isEqualTo(cursor);
            assertThat(parsed.positions()).isEqualTo(positions);
            assertThat(parsed.encode()).isEqualTo(text);
            assertThat(text).doesNotContain("\r", "\n", "\u0000", " ");
        }
    }

    private static StreamId randomId(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> StreamId.ZERO;
            case 1 -> new StreamId(1_700_000_000_000L + random.nextInt(1_000_000_000), random.nextInt(10));
            case 2 -> new StreamId(random.nextLong() & Long.MAX_VALUE, random.nextLong() & Long.MAX_VALUE);
            default -> new StreamId(Long.MAX_VALUE, Long.MAX_VALUE);
        };
    }

    /**
     * A valid cursor text of exactly {@code length} characters: parts {@code p:1-0} for partitions 0 to 599, with
     * leading zeros (which parse to the same number) padding each part's milliseconds and sequence up to 19 digits.
     */
    private static String cursorTextOfLength(int length) {
        int parts = 600;
        int minimal = 0;
        for (int p = 0; p < parts; p++) {
            minimal += (p == 0 ? 0 : 1) + String.valueOf(p).length() + ":1-0".length();
        }
        int padding = length - minimal;
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < parts; p++) {
            int msZeros = Math.min(18, padding);
            padding -= msZeros;
            int seqZeros = Math.min(18, padding);
            padding -= seqZeros;
            text.append(p == 0 ? "" : ",").append(p).append(':')
                    .append("0".repeat(msZeros)).append("1-").append("0".repeat(seqZeros)).append('0');
        }
        if (padding != 0 || text.length() != length) {
            throw new IllegalStateException("cannot build a cursor of " + length + " characters");
        }
        return text.toString();
    }
}
