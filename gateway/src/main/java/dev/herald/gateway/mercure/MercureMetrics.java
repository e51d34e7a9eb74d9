package dev.herald.gateway.mercure;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code herald_gateway_mercure_subscriptions_total{resume=...}}: Mercure streams opened, by where they started.
 * {@code unknown} counts resumes from an ID the index no longer (or never) had, which start live: a rising
 * share means IDs outlive the history's TTL. The streams themselves are in Herald's stream metrics. Thread-safe.
 */
final class MercureMetrics {
    /** Where a Mercure stream started. */
    enum Resume {
        /** No Last-Event-ID. */
        LIVE,
        /** {@code earliest}. */
        EARLIEST,
        /** A generated {@code urn:herald:} ID. */
        GENERATED,
        /** A publisher-supplied ID found in the index. */
        INDEXED,
        /** A publisher-supplied ID not in the index: started live. */
        UNKNOWN
    }

    private final Map<Resume, Counter> opened = new EnumMap<>(Resume.class);

    MercureMetrics(MeterRegistry registry) {
        for (Resume r : Resume.values()) {
            opened.put(r, Counter.builder("herald.gateway.mercure.subscriptions").tag("resume", r.name().toLowerCase(Locale.ROOT))
                    .description("Mercure streams opened, by where they started").register(registry));
        }
    }

    void opened(Resume resume) {
        opened.get(resume).increment();
    }
}
