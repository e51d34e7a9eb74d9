package dev.herald.publisher;

import dev.herald.common.config.ConfigLoader;
import dev.herald.common.config.ConfigLoader.BadConfigException;
import dev.herald.common.startup.StartOrExit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code publisher.jar}. */
public final class PublisherMain {
    private static final Logger LOG = LoggerFactory.getLogger(PublisherMain.class);

    private PublisherMain() {
    }

    public static void main(String[] args) {
        PublisherSettings settings;
        try {
            settings = PublisherSettings.from(ConfigLoader.load());
        } catch (BadConfigException e) {
            System.err.println("herald publisher: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Publisher publisher = StartOrExit.start("publisher", () -> Publisher.start(settings));
        LOG.info("publisher listening on {}:{}{} (admin port {}), redis {}", settings.http().host(), publisher.port(),
                settings.tls().enabled() ? " and TLS " + publisher.tlsPort() + (settings.tls().http2() ? " with HTTP/2" : "") : "",
                publisher.adminPort(), settings.redis().uri().toString());
        Runtime.getRuntime().addShutdownHook(new Thread(publisher::close, "publisher-shutdown"));
    }
}
