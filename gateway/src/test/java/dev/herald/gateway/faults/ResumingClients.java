package dev.herald.gateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.gateway.testing.ResumingSseClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** EventSource-like clients through one port, client {@code i} on topic {@code i mod topics}: opened and closed together. */
final class ResumingClients implements AutoCloseable {
    private final List<ResumingSseClient> clients = new ArrayList<>();
    private final List<String> topics;

    private ResumingClients(List<String> topics) {
        this.topics = List.copyOf(topics);
    }

    /** Opens {@code count} clients and waits until each has its stream open. */
    static ResumingClients open(int port, List<String> topics, int count) {
        ResumingClients all = new ResumingClients(topics);
        for (int i = 0; i < count; i++) {
            all.clients.add(new ResumingSseClient(port, "/v1/stream?topic=" + all.topicOf(i)));
        }
        for (ResumingSseClient c : all.clients) {
            assertThat(c.awaitConnected(Duration.ofSeconds(10))).isTrue();
        }
        return all;
    }

    List<ResumingSseClient> list() {
        return clients;
    }

    String topicOf(int client) {
        return topics.get(client % topics.size());
    }

    @Override
    public void close() throws IOException {
        for (ResumingSseClient c : clients) {
            c.close();
        }
    }
}
