package dev.herald.common.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.testing.SseParser;
import dev.herald.testing.SseParser.Event;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The encoder against the exact bytes it must write and against a spec-conforming parser: what a browser reads
 * back must be what was published (line endings normalised to LF, the only thing SSE cannot carry).
 */
class SseEncoderTest {

    static Stream<Arguments> dataWithLineEndings() {
        return Stream.of(
                Arguments.of("single line", "data: single line\n"),
                Arguments.of("a\nb", "data: a\ndata: b\n"),
                Arguments.of("a\r\nb", "data: a\ndata: b\n"),
                Arguments.of("a\rb", "data: a\ndata: b\n"),
                Arguments.of("a\r\nb\rc\nd", "data: a\ndata: b\ndata: c\ndata: d\n"),
                Arguments.of("a\n", "data: a\ndata: \n"),
                Arguments.of("a\r", "data: a\ndata: \n"),
                Arguments.of("a\r\n", "data: a\ndata: \n"),
                Arguments.of("\r", "data: \ndata: \n"),
                Arguments.of("\n", "data: \ndata: \n"),
                Arguments.of("\n\n", "data: \ndata: \ndata: \n"),
                Arguments.of("\r\r\n\n", "data: \ndata: \ndata: \ndata: \n"),
                Arguments.of("\n\r", "data: \ndata: \ndata: \n"),
                Arguments.of("", "data: \n"),
                Arguments.of(" leading space", "data:  leading space\n"),
                Arguments.of("  two\n three", "data:   two\ndata:  three\n"),
                Arguments.of(": looks like a comment", "data: : looks like a comment\n"),
                Arguments.of("key: value", "data: key: value\n"),
                Arguments.of("{\"json\":true}", "data: {\"json\":true}\n"));
    }

    @ParameterizedTest
    @MethodSource("dataWithLineEndings")
    void writesOneDataLinePerLineOfThePayload(String data, String expectedDataLines) {
        String frame = SseEncoder.appendEvent(new StringBuilder(), null, null, -1, data).toString();

        assertThat(frame).isEqualTo(expectedDataLines + "\n");
    }

    @ParameterizedTest
    @MethodSource("dataWithLineEndings")
    void roundTripsThePayloadWithLineEndingsNormalisedToLf(String data, String ignored) {
        String frame = SseEncoder.appendEvent(new StringBuilder(), "0:1-0", null, -1, data).toString();
        Event expected = new Event("message", lf(data), "0:1-0", null);

        assertThat(SseParser.parseAll(frame)).containsExactly(expected);
        assertThat(parseByteByByte(frame)).containsExactly(expected);
    }

    @Test
    void dispatchesAnEventWithEmptyDataForAnEmptyOrNullPayload() {
        String empty = SseEncoder.appendEvent(new StringBuilder(), null, "ping", -1, "").toString();
        String nothing = SseEncoder.appendEvent(new StringBuilder(), null, "ping", -1, null).toString();

        assertThat(nothing).isEqualTo(empty).isEqualTo("event: ping\ndata: \n\n");
        assertThat(SseParser.parseAll(empty)).containsExactly(new Event("ping", "", "", null));
    }

    @Test
    void writesIdEventRetryAndDataInThatOrder() {
        String frame = SseEncoder.appendEvent(new StringBuilder(), "3:1732700000000-0", "update", 1500, "hello").toString();

        assertThat(frame).isEqualTo("id: 3:1732700000000-0\nevent: update\nretry: 1500\ndata: hello\n\n");
        assertThat(SseParser.parseAll(frame)).containsExactly(new Event("update", "hello", "3:1732700000000-0", 1500L));
    }

    @Test
    void omitsAbsentIdAndEventAndANegativeRetry() {
        assertThat(SseEncoder.appendEvent(new StringBuilder(), null, null, -1, "x").toString()).isEqualTo("data: x\n\n");
        assertThat(SseEncoder.appendEvent(new StringBuilder(), null, null, 0, "x").toString()).isEqualTo("retry: 0\ndata: x\n\n");
    }

    @Test
    void appendsToWhatTheBuilderAlreadyHolds() {
        StringBuilder out = new StringBuilder("data: first\n\n");

        StringBuilder returned = SseEncoder.appendEvent(out, "2", null, -1, "second");

        assertThat(returned).isSameAs(out);
        assertThat(SseParser.parseAll(out.toString())).containsExactly(
                new Event("message", "first", "", null), new Event("message", "second", "2", null));
    }

    @Test
    void keepsTheLastIdForLaterEventsWithoutOne() {
        StringBuilder out = new StringBuilder();
        SseEncoder.appendEvent(out, "1:5-0", null, -1, "a");
        SseEncoder.appendEvent(out, null, null, -1, "b");

        assertThat(SseParser.parseAll(out.toString())).extracting(Event::lastEventId).containsExactly("1:5-0", "1:5-0");
    }

    @Test
    void keepsIdsAndEventNamesThatStartWithSpacesOrContainColons() {
        String frame = SseEncoder.appendEvent(new StringBuilder(), " spaced:id", "  two spaces", -1, "x").toString();

        assertThat(frame).startsWith("id:  spaced:id\nevent:   two spaces\n");
        assertThat(SseParser.parseAll(frame)).containsExactly(new Event("  two spaces", "x", " spaced:id", null));
    }

    @Test
    void writesUnicodeAsExactUtf8Bytes() {
        String data = "emoji \uD83D\uDE00 cjk \u65E5\u672C\u8A9E combining e\u0301 n\u0303 nel\u0085 ls\u2028 end";
        String frame = SseEncoder.appendEvent(new StringBuilder(), null, "\u00E9v\u00E9nement", -1, data).toString();

        byte[] written = bytesOf(SseEncoder.toSharedBuffer(frame));

        assertThat(written).isEqualTo(("event: \u00E9v\u00E9nement\ndata: " + data + "\n\n").getBytes(UTF_8));
        assertThat(indexOf(written, new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80})).as("U+1F600").isPositive();
        assertThat(indexOf(written, new byte[] {(byte) 0xE6, (byte) 0x97, (byte) 0xA5})).as("U+65E5").isPositive();
        assertThat(indexOf(written, new byte[] {'e', (byte) 0xCC, (byte) 0x81})).as("e + U+0301").isPositive();
        Event expected = new Event("\u00E9v\u00E9nement", data, "", null);
        assertThat(new SseParser().feed(written)).containsExactly(expected);
        assertThat(parseByteByByte(frame)).as("NEL and U+2028 are not SSE line ends").containsExactly(expected);
    }

    @Test
    void roundTripsEventsFedInRandomChunks() {
        Random random = new Random(20240229);
        StringBuilder stream = new StringBuilder();
        List<Event> published = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = i % 3 == 0 ? null : i + ":" + random.nextInt(1_000_000) + "-" + random.nextInt(5);
            String name = i % 4 == 0 ? null : "type-\u00FC" + (i % 5);
            long retry = i % 7 == 0 ? random.nextInt(10_000) : -1;
            String data = randomPayload(random);
            SseEncoder.appendEvent(stream, id, name, retry, data);
            String lastId = id != null ? id : published.isEmpty() ? "" : published.get(published.size() - 1).lastEventId();
            published.add(new Event(name == null ? "message" : name, lf(data), lastId, retry < 0 ? null : retry));
        }
        byte[] bytes = stream.toString().getBytes(UTF_8);

        SseParser parser = new SseParser();
        List<Event> parsed = new ArrayList<>();
        for (int off = 0; off < bytes.length; ) {
            int len = Math.min(bytes.length - off, random.nextInt(9));
            parsed.addAll(parser.feed(bytes, off, len));
            off += len;
        }

        assertThat(parsed).containsExactlyElementsOf(published);
    }

    @Test
    void writesACommentLinePerLineOfText() {
        String frame = SseEncoder.comment("line one\nline two\r\nthree\rfour");

        assertThat(frame).isEqualTo(": line one\n: line two\n: three\n: four\n\n");
        SseParser parser = new SseParser();
        assertThat(parser.feed(frame.getBytes(UTF_8))).as("a comment frame dispatches nothing").isEmpty();
        assertThat(parser.comments()).containsExactly("line one", "line two", "three", "four");
    }

    @Test
    void writesAnEmptyCommentAsOneColonLine() {
        assertThat(SseEncoder.comment("")).isEqualTo(": \n\n");
        SseParser parser = new SseParser();
        assertThat(parseByteByByte(parser, SseEncoder.comment(""))).isEmpty();
        assertThat(parser.comments()).containsExactly("");
    }

    @Test
    void writesARetryFrameThatOnlySetsTheReconnectionTime() {
        String frame = SseEncoder.retry(2500);

        assertThat(frame).isEqualTo("retry: 2500\n\n");
        SseParser parser = new SseParser();
        assertThat(parseByteByByte(parser, frame)).isEmpty();
        assertThat(parser.reconnectionTime()).isEqualTo(2500L);
        assertThat(parser.lastEventId()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\u0000b", "\r", "\n", "\u0000", "trailing\r\n"})
    void rejectsCrLfAndNulInIdsAndEventNames(String value) {
        assertThat(SseEncoder.problemWithFieldValue("id", value)).isEqualTo("id must not contain CR, LF or NUL");
        assertThat(SseEncoder.problemWithFieldValue("event name", value)).isEqualTo("event name must not contain CR, LF or NUL");
        assertThatThrownBy(() -> SseEncoder.requireFieldValue("id", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id must not contain CR, LF or NUL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " leading", "3:1-0,4:2-1", "with: colon", "tab\there", "\u00E9\uD83D\uDE00", "nel\u0085ls\u2028"})
    void acceptsIdsAndEventNamesWithoutCrLfOrNul(String value) {
        assertThat(SseEncoder.problemWithFieldValue("id", value)).isNull();
        assertThatCode(() -> SseEncoder.requireFieldValue("id", value)).doesNotThrowAnyException();
    }

    @Test
    void sharesTheFrameAsAReadOnlyDirectBufferOfItsUtf8Bytes() {
        String frame = "id: 1\ndata: \u00E9\uD83D\uDE00\n\n";

        ByteBuffer buffer = SseEncoder.toSharedBuffer(new StringBuilder(frame));

        assertThat(buffer.isDirect()).isTrue();
        assertThat(buffer.isReadOnly()).isTrue();
        assertThat(buffer.position()).isZero();
        assertThat(buffer.remaining()).isEqualTo(frame.getBytes(UTF_8).length).isEqualTo(frame.length() + 3);
        assertThat(bytesOf(buffer)).isEqualTo(frame.getBytes(UTF_8));
        assertThatThrownBy(() -> buffer.put(0, (byte) 'x')).isInstanceOf(ReadOnlyBufferException.class);
    }

    @Test
    void sharesAnEmptyFrameAsAnEmptyBuffer() {
        ByteBuffer buffer = SseEncoder.toSharedBuffer("");

        assertThat(buffer.remaining()).isZero();
        assertThat(buffer.isReadOnly()).isTrue();
    }

    private static String randomPayload(Random random) {
        String[] pieces = {"a", "b c", " ", ":", "\n", "\r", "\r\n", "\u00E9", "\uD83D\uDE00", "\u65E5", "id: x", "data:", "\u0000"};
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(8);
        for (int i = 0; i < n; i++) {
            b.append(pieces[random.nextInt(pieces.length)]);
        }
        return b.toString();
    }

    private static String lf(String data) {
        return data.replace("\r\n", "\n").replace('\r', '\n');
    }

    private static List<Event> parseByteByByte(String frame) {
        return parseByteByByte(new SseParser(), frame);
    }

    private static List<Event> parseByteByByte(SseParser parser, String frame) {
        byte[] bytes = frame.getBytes(UTF_8);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            events.addAll(parser.feed(bytes, i, 1));
        }
        return events;
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
