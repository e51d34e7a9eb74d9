package dev.herald.bench.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseStreamParserTest {
    /** Records what the parser reports. */
    static final class Recorder implements SseStreamParser.Listener {
        int status;
        final List<String> data = new ArrayList<>();
        final List<String> ids = new ArrayList<>();
        int resets;

        @Override
        public void onResponse(SseStreamParser parser, int status) {
            this.status = status;
        }

        @Override
        public void onEvent(SseStreamParser p) {
            if (p.eventTypeIs("herald.reset".getBytes(StandardCharsets.US_ASCII))) {
                resets++;
            }
            data.add(new String(p.data(), 0, p.dataLength(), StandardCharsets.UTF_8));
            ids.add(p.lastEventId());
        }
    }

    private static final String HERALD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n\r\n"
            + ": herald\n\nretry: 2000\n\n"
            + "id: 0:1-0\ndata: 0 1700000000000000 xx\n\n"
            + "event: herald.reset\ndata: {\"topic\":\"t\"}\n\n"
            + "id: 0:2-0\ndata: 1 1700000000000001 xx\n\n"
            + ": heartbeat\n\n"
            + "id: 0:3-0\ndata: line1\ndata: line2\n\n";

    private static Recorder feedInPieces(String text, int piece) {
        Recorder r = new Recorder();
        SseStreamParser p = new SseStreamParser(r);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += piece) {
            p.feed(b, i, Math.min(piece, b.length - i));
        }
        return r;
    }

    @Test
    void closeDelimitedStreamInAnySplit() {
        for (int piece = 1; piece <= 64; piece++) {
            Recorder r = feedInPieces(HERALD, piece);
            assertThat(r.status).isEqualTo(200);
            assertThat(r.data).containsExactly("0 1700000000000000 xx", "{\"topic\":\"t\"}", "1 1700000000000001 xx", "line1\nline2");
            // the reset has no id: the last one seen stays
            assertThat(r.ids).containsExactly("0:1-0", "0:1-0", "0:2-0", "0:3-0");
            assertThat(r.resets).isEqualTo(1);
        }
    }

    @Test
    void chunkedStreamWithCrLf() {
        String events = ": hi\r\n\r\nid: 17:0\r\ndata: 5 123 x\r\n\r\nid: 17:1\r\ndata: 6 124 x\r\n\r\n";
        StringBuilder body = new StringBuilder();
        // split the event text across chunks at awkward places
        int[] cuts = {3, 11, 12, 30, events.length()};
        int from = 0;
        for (int cut : cuts) {
            String chunk = events.substring(from, cut);
            body.append(Integer.toHexString(chunk.length())).append(";ext=1\r\n").append(chunk).append("\r\n");
            from = cut;
        }
        body.append("0\r\n\r\n");
        String text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n" + body;
        for (int piece = 1; piece <= 40; piece++) {
            Recorder r = new Recorder();
            SseStreamParser p = new SseStreamParser(r);
            byte[] b = text.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < b.length; i += piece) {
                p.feed(b, i, Math.min(piece, b.length - i));
            }
            assertThat(p.isChunked()).isTrue();
            assertThat(p.isDone()).isTrue();
            assertThat(r.data).containsExactly("5 123 x", "6 124 x");
            assertThat(r.ids).containsExactly("17:0", "17:1");
        }
    }

    @Test
    void errorAnswerWithContentLength() {
        String body = "{\"error\":\"missing_topic\"}";
        String text = "HTTP/1.1 400 Bad Request\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        Recorder r = feedInPieces(text, 7);
        assertThat(r.status).isEqualTo(400);
        assertThat(r.data).isEmpty();
    }

    @Test
    void fieldsWithoutSpaceAndUnknownFields() {
        Recorder r = feedInPieces("HTTP/1.1 200 OK\r\n\r\nid:a\nfoo: bar\ndata:x\nretry: 10\n\ndata\n\n", 5);
        assertThat(r.data).containsExactly("x", "");
        assertThat(r.ids).containsExactly("a", "a");
    }

    @Test
    void parsesThePayload() {
        long[] out = new long[1];
        byte[] d = "42 1700000000123456 xxxxxxxx".getBytes(StandardCharsets.US_ASCII);
        assertThat(SseStreamParser.parsePayload(d, d.length, out)).isEqualTo(42);
        assertThat(out[0]).isEqualTo(1700000000123456L);
        byte[] bad = "hello".getBytes(StandardCharsets.US_ASCII);
        assertThat(SseStreamParser.parsePayload(bad, bad.length, out)).isEqualTo(-1);
        byte[] noTs = "12 ".getBytes(StandardCharsets.US_ASCII);
        assertThat(SseStreamParser.parsePayload(noTs, noTs.length, out)).isEqualTo(-1);
    }
}
