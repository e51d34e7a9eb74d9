package dev.herald.common.http;

import dev.herald.common.config.ClientTimeouts;
import dev.herald.common.config.HttpSettings;
import dev.herald.common.config.TlsSettings;
import dev.herald.common.startup.Bindings;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.xnio.Options;
import org.xnio.Sequence;

/**
 * The public listeners of a service: plain HTTP, and TLS (1.2/1.3, with HTTP/2 by ALPN) when configured, with
 * the client timeouts every listener has.
 */
public final class Listeners {
    private Listeners() {
    }

    public static Undertow.Builder add(Undertow.Builder builder, HttpSettings http, TlsSettings tls) {
        builder.addHttpListener(http.port(), http.host());
        if (tls.enabled()) {
            builder.addHttpsListener(tls.port(), http.host(), tls.context())
                    .setSocketOption(Options.SSL_ENABLED_PROTOCOLS, Sequence.of("TLSv1.3", "TLSv1.2"))
                    .setServerOption(UndertowOptions.ENABLE_HTTP2, tls.http2());
        }
        return withClientLimits(builder, http.clients());
    }

    /**
     * The client limits of a listener: the request-head timeout ({@code REQUEST_PARSE_TIMEOUT}: counted from the first partial read of a head,
     * not reset by later bytes, so a trickle does not extend it) and the no-request timeout (from the end of
     * one request, or the accept, to the start of the next). Neither runs while a request is in progress, so
     * an SSE stream may stay quiet between events. {@code IDLE_TIMEOUT} is not set: it counts any connection
     * without reads or writes, open streams included. {@code MAX_ENTITY_SIZE} (2 MiB by default) would cut a
     * lingering close short: it becomes the linger bound, which also bounds a chunked body being discarded.
     */
    public static Undertow.Builder withClientLimits(Undertow.Builder builder, ClientTimeouts timeouts) {
        return builder.setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) timeouts.requestHead().toMillis())
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) timeouts.idle().toMillis())
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, timeouts.lingerMaxBytes());
    }

    /** Starts {@code server}, built with {@link #add}; a port in use fails with one line naming its setting. */
    public static void start(Undertow server, HttpSettings http, TlsSettings tls) {
        List<Bindings.Bind> binds = new ArrayList<>(List.of(new Bindings.Bind("herald.http.port", http.host(), http.port())));
        if (tls.enabled()) {
            binds.add(new Bindings.Bind("herald.tls.port", http.host(), tls.port()));
        }
        Bindings.start(server, binds);
    }

    /** The port the plain listener bound (useful when configured as 0). */
    public static int plainPort(Undertow server) {
        return port(server, 0);
    }

    /** The port the TLS listener bound, or -1 without TLS. */
    public static int tlsPort(Undertow server) {
        return server.getListenerInfo().size() > 1 ? port(server, 1) : -1;
    }

    private static int port(Undertow server, int index) {
        return ((InetSocketAddress) server.getListenerInfo().get(index).getAddress()).getPort();
    }
}
