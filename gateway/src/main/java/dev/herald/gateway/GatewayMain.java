package dev.herald.gateway;

import dev.herald.common.config.ConfigLoader;
import dev.herald.common.config.ConfigLoader.BadConfigException;
import dev.herald.common.startup.StartOrExit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code gateway.jar}. */
public final class GatewayMain {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);

    private GatewayMain() {
    }

    public static void main(String[] args) {
        GatewaySettings settings;
        try {
            settings = GatewaySettings.from(ConfigLoader.load());
        } catch (BadConfigException e) {
            System.err.println("herald gateway: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Gateway gateway = StartOrExit.start("gateway", () -> Gateway.start(settings));
        LOG.info("gateway listening on {}:{}{} (admin port {}), redis {}, {} partitions", settings.http().host(), gateway.port(),
                settings.tls().enabled() ? " and TLS " + gateway.tlsPort() + (settings.tls().http2() ? " with HTTP/2" : "") : "",
                gateway.adminPort(), settings.redis().uri().toString(), settings.redis().partitions().count());
        // SIGTERM: drain (clients move to other gateways), then stop.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.drain();
            gateway.close();
        }, "gateway-drain"));
    }
}
