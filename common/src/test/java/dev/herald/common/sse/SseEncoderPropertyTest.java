package dev.herald.common.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.SseParser;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * Whatever is encoded, a spec-conforming parser reads back the event that was sent: the same data (with
 * every line break, CRLF, LF or CR, read as LF, since the format has no other way to carry one), the same
 * event name ({@code message} when there is none) and the same id.
 */
class SseEncoderPropertyTest {

    @Property(tries = 2000)
    void aParserReadsBackTheEventThatWasEncoded(@ForAll("payloads") String data, @ForAll("fieldValues") String event,
                                                @ForAll("fieldValues") String id, @ForAll @LongRange(min = -1, max = 86_400_000) long retry) {
        String frame = SseEncoder.appendEvent(new StringBuilder(), id, event, retry, data).toString();

        List<SseParser.Event> parsed = SseParser.parseAll(frame);

        assertThat(parsed).hasSize(1);
        SseParser.Event read = parsed.get(0);
        assertThat(read.data()).isEqualTo(data.replace("\r\n", "\n").replace('\r', '\n'));
        assertThat(read.type()).isEqualTo(event.isEmpty() ? "message" : event);
        assertThat(read.lastEventId()).isEqualTo(id);
        assertThat(read.retry()).isEqualTo(retry < 0 ? null : retry);
    }

    @Property(tries = 500)
    void anEventWithoutNameOrIdIsAMessageWithItsData(@ForAll("payloads") String data) {
        List<SseParser.Event> parsed = SseParser.parseAll(SseEncoder.appendEvent(new StringBuilder(), null, null, -1, data).toString());

        assertThat(parsed).singleElement().satisfies(read -> {
            assertThat(read.type()).isEqualTo("message");
            assertThat(read.data()).isEqualTo(data.replace("\r\n", "\n").replace('\r', '\n'));
            assertThat(read.lastEventId()).isEmpty();
        });
    }

    @Property(tries = 500)
    void consecutiveEventsAreReadBackInOrder(@ForAll("payloads") String first, @ForAll("payloads") String second) {
        StringBuilder stream = new StringBuilder();
        SseEncoder.appendEvent(stream, "1", "a", -1, first);
        stream.append(SseEncoder.comment("between\nevents"));
        SseEncoder.appendEvent(stream, "2", "b", -1, second);

        List<SseParser.Event> parsed = SseParser.parseAll(stream.toString());

        assertThat(parsed).extracting(SseParser.Event::lastEventId).containsExactly("1", "2");
        assertThat(parsed.get(1).data()).isEqualTo(second.replace("\r\n", "\n").replace('\r', '\n'));
    }

    /** Any Unicode text (no unpaired surrogates: they are not text), rich in CR, LF, CRLF, spaces and colons. */
    @Provide
    Arbitrary<String> payloads() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                codePoints().map(Character::toString),
                Arbitraries.of("\r", "\n", "\r\n", "\n\r", " ", ":", "data: x", "\u0000", "\uFEFF", "é", "🎉"));
        return piece.list().ofMaxSize(40).map(pieces -> String.join("", pieces));
    }

    /** Text without CR, LF or NUL, what an id or event name may be; may be empty, start with spaces or colons. */
    @Provide
    Arbitrary<String> fieldValues() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                codePoints().filter(c -> c != '\r' && c != '\n' && c != 0).map(Character::toString),
                Arbitraries.of(" ", ":", "id", "event: x", "é", "🎉"));
        return piece.list().ofMaxSize(12).map(pieces -> String.join("", pieces));
    }

    private static Arbitrary<Integer> codePoints() {
        return Arbitraries.integers().between(0, 0x10FFFF).filter(c -> c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE);
    }
}
