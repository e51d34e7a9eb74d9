package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReaderTest {
    private final List<SseEvent> events = new ArrayList<>();
    private final List<Long> retries = new ArrayList<>();

    private SseReader read(String text) throws Exception {
        SseReader r = new SseReader(null, events::add, retries::add);
        r.read(new BufferedReader(new StringReader(text)));
        return r;
    }

    @Test
    void linesEndWithCrLfOrCrlfAndDataLinesJoinWithLf() throws Exception {
        read("data: a\r\ndata: b\rdata:c\n\nid: 1:5-0\nevent: order.created\ndata: x\n\n");
        assertThat(events).containsExactly(new SseEvent("message", "a\nb\nc", null), new SseEvent("order.created", "x", "1:5-0"));
    }

    @Test
    void theLastEventIdPersistsAndAnIdWithNulIsIgnored() throws Exception {
        SseReader r = read("id: 7\ndata: one\n\ndata: two\n\nid: bad\0id\ndata: three\n\n");
        assertThat(events).extracting(SseEvent::lastEventId).containsExactly("7", "7", "7");
        assertThat(r.lastEventId()).isEqualTo("7");
    }

    @Test
    void commentsAndEventsWithoutDataAreNotDispatchedAndRetryNeedsDigits() throws Exception {
        read(": heartbeat\n\nevent: lonely\n\nretry: 1500\nretry: 15x\nretry:\n\ndata\n\n");
        assertThat(events).containsExactly(new SseEvent("message", "", null));
        assertThat(retries).containsExactly(1500L);
    }
}
