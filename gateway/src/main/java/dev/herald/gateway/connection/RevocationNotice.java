package dev.herald.gateway.connection;

import dev.herald.common.http.JsonResponses;
import dev.herald.common.revocation.Revocation;
import dev.herald.common.sse.SseEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a stream closed by a disconnect request is told: {@code event: herald.revoked} with what matched it
 * and a jittered {@code retry:}. Like {@link TokenExpiry}'s notice it has no {@code id:}, so a client that is
 * let back in resumes where it was; one whose token ID was revoked is refused on reconnect.
 */
final class RevocationNotice {
    private RevocationNotice() {
    }

    static ByteBuffer frame(Revocation revocation, RetryHints hints) {
        String data = JsonResponses.MAPPER.createObjectNode()
                .put("reason", "revoked").put("by", revocation.by().field()).put("value", revocation.value()).toString();
        String frame = SseEncoder.appendEvent(new StringBuilder(), null, StreamEvents.REVOKED, hints.jitteredMillis(), data).toString();
        return ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8));
    }
}
