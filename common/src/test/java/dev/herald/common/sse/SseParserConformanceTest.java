package dev.herald.common.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.SseParser;
import dev.herald.testing.SseParser.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The test parser against the examples and rules of the WHATWG "Server-sent events" section, so that tests
 * relying on it to read the gateway can trust what it reports.
 */
class SseParserConformanceTest {

    @Test
    void joinsTheDataLinesOfOneEventWithLineFeeds() {
        assertThat(SseParser.parseAll("data: YHOO\ndata: +2\ndata: 10\n\n"))
                .containsExactly(new Event("message", "YHOO\n+2\n10", "", null));
    }

    @Test
    void ignoresCommentsAndTracksIdsAsTheSpecExampleShows() {
        SseParser parser = new SseParser();
        List<Event> events = feedString(parser,
                ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n");

        assertThat(events).containsExactly(
                new Event("message", "first event", "1", null),
                new Event("message", "second event", "", null),
                new Event("message", " third event", "", null));
        assertThat(parser.comments()).containsExactly("test stream");
    }

    @Test
    void treatsAFieldWithoutColonAsAnEmptyValue() {
        assertThat(SseParser.parseAll("data\n\ndata\ndata\n\ndata:"))
                .containsExactly(new Event("message", "", "", null), new Event("message", "\n", "", null));
    }

    @Test
    void acceptsAValueWithOrWithoutTheSpaceAfterTheColon() {
        assertThat(SseParser.parseAll("data:test\n\ndata: test\n\n"))
                .containsExactly(new Event("message", "test", "", null), new Event("message", "test", "", null));
    }

    @Test
    void removesOnlyOneLeadingSpaceFromAValue() {
        assertThat(SseParser.parseAll("data:   three\n\n")).containsExactly(new Event("message", "  three", "", null));
    }

    @Test
    void usesTheEventFieldAsTypeOnlyForItsOwnEvent() {
        assertThat(SseParser.parseAll("event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\ndata: plain\n\n"))
                .extracting(Event::type)
                .containsExactly("add", "remove", "message");
    }

    @Test
    void forgetsTheEventTypeOfABlockWithoutData() {
        assertThat(SseParser.parseAll("event: orphan\n\ndata: x\n\n"))
                .containsExactly(new Event("message", "x", "", null));
    }

    @Test
    void ignoresAnIdContainingNul() {
        SseParser parser = new SseParser();
        List<Event> events = feedString(parser, "id: 1\ndata: a\n\nid: 2\u0000x\ndata: b\n\n");

        assertThat(events).extracting(Event::lastEventId).containsExactly("1", "1");
        assertThat(parser.lastEventId()).isEqualTo("1");
    }

    @Test
    void updatesTheLastEventIdEvenWhenABlockDispatchesNothing() {
        SseParser parser = new SseParser();

        assertThat(feedString(parser, "id: 5\n\n")).isEmpty();

        assertThat(parser.lastEventId()).isEqualTo("5");
        assertThat(feedString(parser, "data: later\n\n")).containsExactly(new Event("message", "later", "5", null));
    }

    @Test
    void letsAnEmptyIdResetTheLastEventId() {
        assertThat(SseParser.parseAll("id: 7\ndata: a\n\nid\ndata: b\n\n"))
                .extracting(Event::lastEventId).containsExactly("7", "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"12a", "-5", "1.5", "+3", " 30", "", "\u0661\u0662", "99999999999999999999999"})
    void ignoresARetryThatIsNotOnlyAsciiDigits(String value) {
        SseParser parser = new SseParser();

        List<Event> events = feedString(parser, "retry: 100\n\nretry: " + value + "\ndata: x\n\n");

        assertThat(events).containsExactly(new Event("message", "x", "", null));
        assertThat(parser.reconnectionTime()).isEqualTo(100L);
    }

    @Test
    void setsTheReconnectionTimeFromAsciiDigits() {
        SseParser parser = new SseParser();

        List<Event> events = feedString(parser, "retry: 3000\ndata: x\n\ndata: y\n\n");

        assertThat(events).containsExactly(new Event("message", "x", "", 3000L), new Event("message", "y", "", null));
        assertThat(parser.reconnectionTime()).isEqualTo(3000L);
    }

    @Test
    void ignoresUnknownFields() {
        assertThat(SseParser.parseAll("foo: bar\nData: no\ndata: x\n\n")).containsExactly(new Event("message", "x", "", null));
    }

    @Test
    void neverDispatchesAnEventThatTheStreamEndsInside() {
        assertThat(SseParser.parseAll("data: complete\n\ndata: cut off\n")).containsExactly(new Event("message", "complete", "", null));
        assertThat(SseParser.parseAll("data: no line end")).isEmpty();
    }

    @Test
    void acceptsCrAndCrLfAsLineEnds() {
        assertThat(SseParser.parseAll("data: a\rdata: b\r\rdata: c\r\ndata: d\r\n\r\n"))
                .containsExactly(new Event("message", "a\nb", "", null), new Event("message", "c\nd", "", null));
    }

    @Test
    void treatsACrLfSplitAcrossChunksAsOneLineEnd() {
        SseParser parser = new SseParser();

        List<Event> first = feedString(parser, "data: a\r");
        List<Event> second = feedString(parser, "\ndata: b\n\n");

        assertThat(first).isEmpty();
        assertThat(second).containsExactly(new Event("message", "a\nb", "", null));
    }

    @Test
    void treatsTwoCrsAtAChunkBoundaryAsTwoLineEnds() {
        SseParser parser = new SseParser();

        assertThat(feedString(parser, "data: a\r")).isEmpty();
        assertThat(feedString(parser, "\r")).containsExactly(new Event("message", "a", "", null));
        assertThat(feedString(parser, "\n")).as("the LF completes the CRLF begun by the blank line's CR").isEmpty();
        assertThat(feedString(parser, "data: b\n\n")).containsExactly(new Event("message", "b", "", null));
    }

    @Test
    void stripsOneByteOrderMarkAtTheStartOfTheStream() {
        assertThat(SseParser.parseAll("\uFEFFdata: x\n\n")).containsExactly(new Event("message", "x", "", null));
    }

    @Test
    void stripsAByteOrderMarkSplitAcrossChunks() {
        SseParser parser = new SseParser();
        byte[] bytes = "\uFEFFdata: x\n\n".getBytes(UTF_8);

        List<Event> events = new ArrayList<>(parser.feed(bytes, 0, 1));
        events.addAll(parser.feed(bytes, 1, 1));
        events.addAll(parser.feed(bytes, 2, bytes.length - 2));

        assertThat(events).containsExactly(new Event("message", "x", "", null));
    }

    @Test
    void keepsASecondByteOrderMarkAsPartOfTheFieldName() {
        assertThat(SseParser.parseAll("\uFEFF\uFEFFdata: x\n\n")).isEmpty();
        assertThat(SseParser.parseAll("data: a\n\n\uFEFFdata: b\n\n")).containsExactly(new Event("message", "a", "", null));
    }

    @Test
    void decodesInvalidUtf8AsReplacementCharacters() {
        byte[] bytes = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xFF, 'x', (byte) 0xC3, '\n', '\n'};

        assertThat(new SseParser().feed(bytes)).containsExactly(new Event("message", "\uFFFDx\uFFFD", "", null));
    }

    @Test
    void decodesACharacterSplitAcrossChunks() {
        SseParser parser = new SseParser();
        byte[] bytes = "data: \uD83D\uDE00\n\n".getBytes(UTF_8); // U+1F600, four bytes

        List<Event> events = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            events.addAll(parser.feed(bytes, i, 1));
        }

        assertThat(events).containsExactly(new Event("message", "\uD83D\uDE00", "", null));
    }

    @Test
    void collectsCommentsWithoutTheColonAndOneSpace() {
        SseParser parser = new SseParser();

        feedString(parser, ": hello\n:world\n:  indented\n:\n");

        assertThat(parser.comments()).containsExactly("hello", "world", " indented", "");
    }

    @Test
    void returnsOnlyTheEventsThatEachChunkCompletes() {
        SseParser parser = new SseParser();

        assertThat(feedString(parser, "data: one\n\ndata: tw")).containsExactly(new Event("message", "one", "", null));
        assertThat(feedString(parser, "o\n")).isEmpty();
        assertThat(feedString(parser, "\ndata: three\n\n")).containsExactly(
                new Event("message", "two", "", null), new Event("message", "three", "", null));
    }

    private static List<Event> feedString(SseParser parser, String text) {
        return parser.feed(text.getBytes(UTF_8));
    }
}
