package dev.herald.common.mercure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.common.event.StreamId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How an update is stored in an entry's data, and the rules for its ID. */
class MercureUpdateTest {
    @Test
    void anUpdateReadsBackExactlyFromItsStoredForm() {
        MercureUpdate update = new MercureUpdate(List.of("https://e.com/a", "urn:alt"), true, "id-[\"x\"]", "line one\r\nline two\u0000");
        assertThat(MercureUpdate.decode(update.encode())).isEqualTo(update);
        MercureUpdate generated = new MercureUpdate(List.of("t"), false, null, "");
        assertThat(MercureUpdate.decode(generated.encode())).isEqualTo(generated);
    }

    @Test
    void dataThatIsNotAStoredUpdateDecodesToNull() {
        for (String data : List.of("", "hello", "{}", "{\"t\":[],\"d\":\"x\"}", "{\"t\":[1],\"d\":\"x\"}", "{\"t\":[\"a\"]}", "[1]")) {
            assertThat(MercureUpdate.decode(data)).as(data).isNull();
        }
    }

    @Test
    void generatedIdsArePositionsAndPublisherIdsAreVerbatim() {
        StreamId entry = new StreamId(1732700000000L, 3);
        assertThat(new MercureUpdate(List.of("t"), false, null, "").sseId(entry)).isEqualTo("urn:herald:1732700000000-3");
        assertThat(MercureUpdate.generatedPosition("urn:herald:1732700000000-3")).isEqualTo(entry);
        assertThat(MercureUpdate.generatedPosition("urn:herald:nope")).isNull();
        assertThat(MercureUpdate.generatedPosition("id-1")).isNull();
        assertThat(new MercureUpdate(List.of("t"), false, "id-1", "").sseId(entry)).isEqualTo("id-1");
    }

    @Test
    void publisherIdsMayNotBeginWithHashCarryLineBreaksOrLookGenerated() {
        assertThat(MercureUpdate.problemWithId("id-[\"https://e.com/a\"]")).isNull();
        assertThat(MercureUpdate.problemWithId("#x")).contains("'#'");
        assertThat(MercureUpdate.problemWithId("a\nb")).contains("CR, LF");
        assertThat(MercureUpdate.problemWithId("")).contains("empty");
        assertThat(MercureUpdate.problemWithId("urn:herald:1-0")).contains("generated");
        assertThat(MercureUpdate.problemWithId("x".repeat(MercureUpdate.MAX_ID_LENGTH + 1))).contains("longer");
    }
}
