package dev.herald.common.http;

import dev.herald.common.config.ClientTimeouts;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * The equivalent of nginx's lingering close, for an error answered before the request body was read (413
 * and the like). Closing at once while the client is still sending makes the kernel reset the connection,
 * and many clients (Python's urllib among them) then fail with a broken pipe without reading the answer;
 * Undertow closes the read side of a non-persistent exchange whose body is unread, which does exactly that.
 *
 * <p>So such an exchange stays persistent: Undertow sends the answer, then reads and discards the rest of the
 * body, after which the connection serves the next request, or closes if the client asked for that. (A
 * {@code Connection: close} answer would make Undertow treat the exchange as non-persistent again.) The discard is bounded: a body declared longer than
 * {@code herald.http.linger.max-bytes} is not read at all (the connection closes after the answer), a chunked
 * one is cut off there ({@code MAX_ENTITY_SIZE}, see {@link Listeners#withClientLimits}), and a discard still
 * running after {@code herald.http.linger.time} (a client that stalls) is closed.
 */
public final class LingeringClose {
    private final long maxBytes;
    private final long timeMillis;

    public LingeringClose(ClientTimeouts timeouts) {
        this.maxBytes = timeouts.lingerMaxBytes();
        this.timeMillis = timeouts.lingerTime().toMillis();
    }

    /** Bounds how long and how much of {@code exchange}'s unread body is discarded after the answer it is about to get. */
    public void arm(HttpServerExchange exchange) {
        if (exchange.isRequestComplete() || !(exchange.getConnection() instanceof HttpServerConnection connection)) {
            return; // nothing left to read, or HTTP/2, where only the stream ends
        }
        if (timeMillis == 0 || exchange.getRequestContentLength() > maxBytes) {
            exchange.setPersistent(false);
            return;
        }
        boolean clientCloses = !exchange.isPersistent(); // it sent Connection: close (urllib does)
        exchange.setPersistent(true);
        XnioExecutor.Key cutOff = connection.getIoThread().executeAfter(() -> IoUtils.safeClose(connection), timeMillis, TimeUnit.MILLISECONDS);
        exchange.addExchangeCompleteListener((ex, next) -> {
            cutOff.remove();
            // The body is read now: Undertow's close (flush, FIN, wait for the client's) resets nothing.
            ex.setPersistent(!clientCloses);
            next.proceed();
        });
    }
}
