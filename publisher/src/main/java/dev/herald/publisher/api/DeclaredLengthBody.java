package dev.herald.publisher.api;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSourceChannel;

/**
 * Reads a body whose length the request declared straight into one array of that length, without
 * blocking. Undertow's {@code Receiver} copies a body a byte at a time through a synchronized stream,
 * which profiled at over a quarter of the publisher's CPU for small events; this is the common case
 * (every client that sends {@code Content-Length}), and the {@code Receiver} still reads the rest.
 *
 * <p>Runs on the exchange's IO thread, which must be dispatched (so the exchange outlives the handler).
 */
final class DeclaredLengthBody implements ChannelListener<StreamSourceChannel> {
    private final HttpServerExchange exchange;
    private final ByteBuffer body;
    private final BiConsumer<HttpServerExchange, byte[]> done;
    private final Consumer<IOException> failed;

    private DeclaredLengthBody(HttpServerExchange exchange, int length, BiConsumer<HttpServerExchange, byte[]> done, Consumer<IOException> failed) {
        this.exchange = exchange;
        this.body = ByteBuffer.allocate(length);
        this.done = done;
        this.failed = failed;
    }

    /** Reads {@code length} bytes, then calls {@code done}; calls {@code failed} if the body ends early or cannot be read. */
    static void read(HttpServerExchange exchange, int length, BiConsumer<HttpServerExchange, byte[]> done, Consumer<IOException> failed) {
        new DeclaredLengthBody(exchange, length, done, failed).handleEvent(exchange.getRequestChannel());
    }

    @Override
    public void handleEvent(StreamSourceChannel channel) {
        try {
            while (body.hasRemaining()) {
                int n = channel.read(body);
                if (n == 0) {
                    channel.getReadSetter().set(this);
                    channel.resumeReads();
                    return;
                }
                if (n < 0) {
                    throw new IOException("the body ended after " + body.position() + " of " + body.capacity() + " declared bytes");
                }
            }
        } catch (IOException e) {
            channel.suspendReads();
            failed.accept(e);
            return;
        }
        channel.suspendReads();
        done.accept(exchange, body.array());
    }
}
