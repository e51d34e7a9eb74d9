package dev.herald.gateway.connection;

import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The streams open on one client connection, closed together when it closes. An HTTP/2 connection carries
 * many streams over its life, and Undertow keeps a connection's close listeners until the connection closes
 * (an HTTP/2 stream's "connection" adds them to the shared one), so a listener per stream would keep every
 * stream the connection ever carried. Here each connection has one listener, and a stream leaves the set
 * when it ends. Attached to the connection; confined to its IO thread (its streams run there).
 */
final class ConnectionStreams implements ServerConnection.CloseListener {
    private static final AttachmentKey<ConnectionStreams> KEY = AttachmentKey.create(ConnectionStreams.class);

    private final Set<SseConnection> open = new LinkedHashSet<>();

    /** The set of {@code connection}'s streams, made (with its one close listener) for its first stream. */
    static ConnectionStreams of(ServerConnection connection) {
        ConnectionStreams streams = connection.getAttachment(KEY);
        if (streams == null) {
            streams = new ConnectionStreams();
            connection.putAttachment(KEY, streams);
            connection.addCloseListener(streams);
        }
        return streams;
    }

    void add(SseConnection stream) {
        open.add(stream);
    }

    void remove(SseConnection stream) {
        open.remove(stream);
    }

    @Override
    public void closed(ServerConnection connection) {
        for (SseConnection stream : open.toArray(SseConnection[]::new)) {
            stream.close(CloseReason.CLIENT_CLOSED);
        }
    }
}
