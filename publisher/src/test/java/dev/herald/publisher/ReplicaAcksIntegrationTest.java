package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code herald.publisher.min-replica-acks} on a real master and replica: publishes are acknowledged only
 * once the replica has them, and answered {@code 503 not_replicated} when it cannot confirm them.
 */
class ReplicaAcksIntegrationTest {
    private RedisServer master;
    private RedisServer replica;
    private TestPublisher publisher;

    @BeforeEach
    void start() {
        // No delay before the first full sync, so the replica is online at once.
        master = RedisServer.start(RedisServer.Options.defaults().withExtraArgs("--repl-diskless-sync-delay", "0"));
        if (!master.isLocalProcess()) {
            master.close();
            assumeTrue(false, "a replica of a containerised master needs redis-server as a local process");
        }
        replica = RedisServer.start(RedisServer.Options.defaults().withExtraArgs("--replicaof", "127.0.0.1", String.valueOf(master.port())));
        awaitReplicas(1);
        publisher = TestPublisher.start(master.uri(), Map.of(
                "herald.publisher.min-replica-acks", 1, "herald.publisher.replica-ack-timeout", "1s"));
    }

    @AfterEach
    void stop() {
        if (publisher != null) {
            publisher.close();
        }
        if (replica != null) {
            replica.close();
        }
        master.close();
    }

    @Test
    void withTheReplicaUpPublishesAreAcknowledgedAndOnTheReplica() {
        String id = publisher.publish("durable", "x");

        assertThat(id).isNotBlank();
        String entryId = id.substring(id.indexOf(':') + 1);
        assertThat(replica.send("XLEN", publisher.historyKey("durable"))).isEqualTo("1");
        assertThat(entryId).matches("\\d+-\\d+");
    }

    @Test
    void concurrentPublishesShareReplicationWaitsAndAreAllAcknowledged() {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> requests = IntStream.range(0, 200)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> publisher.post("/v1/topics/many/events", "{\"data\":\"" + i + "\"}"), clients))
                    .toList();

            assertThat(requests).allSatisfy(r -> assertThat(r.join().statusCode()).as(r.join().body()).isEqualTo(201));
            System.out.printf("200 publishes with replica acks from 8 clients in %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());
        } finally {
            clients.shutdown();
        }
        assertThat(replica.send("XLEN", publisher.historyKey("many"))).isEqualTo("200");
    }

    @Test
    void withTheReplicaGonePublishesAreAnswered503NotReplicatedAndARetryWithTheKeyIsSafeOnceItIsBack() {
        replica.kill();

        HttpResponse<String> refused = publisher.post("/v1/topics/durable/events", "{\"data\":\"x\"}", "Idempotency-Key", "retry-me");
        HttpResponse<String> batch = publisher.post("/v1/events", "[{\"topic\":\"durable\",\"data\":\"y\"}]");

        for (HttpResponse<String> response : List.of(refused, batch)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            JsonNode body = TestPublisher.json(response);
            assertThat(body.get("error").asText()).isEqualTo("not_replicated");
            assertThat(body.get("message").asText()).contains("0 of the 1");
        }
        assertThat(publisher.history("durable")).as("appended on the master all the same").hasSize(2);

        replica.restart();
        awaitReplicas(1);
        HttpResponse<String> retried = publisher.post("/v1/topics/durable/events", "{\"data\":\"x\"}", "Idempotency-Key", "retry-me");

        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(TestPublisher.json(retried).get("duplicate").asBoolean()).isTrue();
        assertThat(publisher.history("durable")).hasSize(2);
    }

    private void awaitReplicas(int count) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
            String info = master.send("INFO", "replication");
            // Online for the master, and the replica has loaded the sync and follows (it can acknowledge).
            return info.contains("connected_slaves:" + count) && info.contains("state=online")
                    && (count == 0 || replica.send("INFO", "replication").contains("master_link_status:up"));
        });
    }
}
