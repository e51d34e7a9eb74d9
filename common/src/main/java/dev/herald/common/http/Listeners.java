package dev.herald.common.http;

import dev.herald.common.config.HttpSettings;
import dev.herald.common.config.TlsSettings;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import org.xnio.Options;
import org.xnio.Sequence;

/** The public listeners of a service: plain HTTP, and TLS (1.2/1.3, with HTTP/2 by ALPN) when configured. */
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
        return builder;
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
