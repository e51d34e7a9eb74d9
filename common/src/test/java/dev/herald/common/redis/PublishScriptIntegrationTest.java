package dev.herald.common.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.common.event.Event;
import dev.herald.common.event.StreamId;
import dev.herald.common.topic.Partitioner;
import dev.herald.common.topic.Topic;
import dev.herald.testing.RedisExtension;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The publish script on a real Redis: one atomic step writes the feed and the histories under shared IDs. */
class PublishScriptIntegrationTest {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    private static final Partitioner PARTITIONER = new Partitioner(16);
    private static final KeyLayout KEYS = new KeyLayout("herald");
    private static final int PARTITION = PARTITIONER.partitionOf(Topic.of("news"));
    private static final Topic NEWS = Topic.of("news");
    private static final Topic SECOND = topicInPartition(PARTITION, "sports-");
    private static final Topic THIRD = topicInPartition(PARTITION, "weather-");
    private static final long NO_MAX_AGE = 0;
    private static final long NO_TTL = 0;
    private static final long LARGE = 1_000_000;
    private static final long WINDOW_MS = TimeUnit.HOURS.toMillis(1);

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> sync;
    private String defaultNodeSize;

    /** One event's arguments to the script. */
    private record Publish(Topic topic, String name, String data, String retry, long historyMaxLen, long historyMaxAgeMs, long historyTtlMs) {
        static Publish of(Topic topic, String data) {
            return new Publish(topic, "", data, "", LARGE, NO_MAX_AGE, NO_TTL);
        }

        PublishScript.Append append(String idempotencyKey) {
            assertThat(PARTITIONER.partitionOf(topic)).isEqualTo(PARTITION);
            return new PublishScript.Append(KEYS.history(PARTITION, topic),
                    idempotencyKey == null ? null : KEYS.idempotency(PARTITION, topic, idempotencyKey), topic.name(),
                    name.isEmpty() ? null : name, data, retry.isEmpty() ? -1 : Long.parseLong(retry), historyMaxLen, historyMaxAgeMs, historyTtlMs);
        }
    }

    @BeforeAll
    static void connect() {
        client = RedisClient.create(redis.uri());
        connection = client.connect();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        client.shutdown();
    }

    @BeforeEach
    void cleanRedis() {
        redis.flushAll();
        sync = connection.sync();
        defaultNodeSize = sync.configGet("stream-node-max-entries").get("stream-node-max-entries");
    }

    @AfterEach
    void restoreNodeSize() {
        sync.configSet("stream-node-max-entries", defaultNodeSize);
    }

    @Test
    void writesEachEventToTheFeedAndToItsTopicsHistoryUnderTheSameId() throws Exception {
        long beforeMicros = System.currentTimeMillis() * 1000;
        List<String> ids = publish(LARGE,
                new Publish(NEWS, "update", "first", "1500", LARGE, NO_MAX_AGE, NO_TTL),
                new Publish(SECOND, "", "second", "", LARGE, NO_MAX_AGE, NO_TTL),
                new Publish(NEWS, "", "third\nwith a second line", "", LARGE, NO_MAX_AGE, NO_TTL));
        long afterMicros = System.currentTimeMillis() * 1000;

        assertThat(ids).hasSize(3);
        List<StreamId> parsed = ids.stream().map(StreamId::parse).toList();
        assertThat(parsed.get(1)).isGreaterThan(parsed.get(0));
        assertThat(parsed.get(2)).isGreaterThan(parsed.get(1));

        List<StreamMessage<String, String>> feed = all(KEYS.feed(PARTITION));
        assertThat(feed).extracting(StreamMessage::getId).containsExactlyElementsOf(ids);
        assertThat(feed).allSatisfy(m -> assertThat(m.getBody()).containsOnlyKeys("t", "e", "d", "r", "ts"));
        assertThat(feed).extracting(m -> m.getBody().get("t")).containsExactly("news", SECOND.name(), "news");
        assertThat(feed).extracting(m -> m.getBody().get("e")).containsExactly("update", "", "");
        assertThat(feed).extracting(m -> m.getBody().get("d")).containsExactly("first", "second", "third\nwith a second line");
        assertThat(feed).extracting(m -> m.getBody().get("r")).containsExactly("1500", "", "");

        List<StreamMessage<String, String>> news = all(KEYS.history(PARTITION, NEWS));
        List<StreamMessage<String, String>> second = all(KEYS.history(PARTITION, SECOND));
        assertThat(news).extracting(StreamMessage::getId).containsExactly(ids.get(0), ids.get(2));
        assertThat(second).extracting(StreamMessage::getId).containsExactly(ids.get(1));
        assertThat(news).allSatisfy(m -> assertThat(m.getBody()).containsOnlyKeys("e", "d", "r", "ts"));
        assertThat(news.get(0).getBody()).isEqualTo(withoutTopic(feed.get(0).getBody()));
        assertThat(second.get(0).getBody()).isEqualTo(withoutTopic(feed.get(1).getBody()));
        assertThat(news.get(1).getBody()).isEqualTo(withoutTopic(feed.get(2).getBody()));

        List<Long> published = feed.stream().map(m -> Long.parseLong(m.getBody().get("ts"))).toList();
        assertThat(published).as("one TIME call per script run").containsOnly(published.get(0));
        assertThat(published.get(0)).as("microseconds on the Redis clock")
                .isBetween(beforeMicros - 5_000_000, afterMicros + 5_000_000);
        assertThat(feed.get(0).getBody().get("ts")).hasSize(16);
    }

    @Test
    void anIdIndexKeyNamesTheLatestEntryPublishedWithItAndAppendsEveryTime() throws Exception {
        String index = KEYS.idIndex(PARTITION, "id-[\"https://example.net/a\"]");
        long ttl = TimeUnit.MINUTES.toMillis(5);
        PublishScript.Append first = new PublishScript.Append(KEYS.history(PARTITION, NEWS), null, NEWS.name(), null, "one", -1,
                LARGE, NO_MAX_AGE, ttl, index);
        PublishScript.Append again = new PublishScript.Append(KEYS.history(PARTITION, NEWS), null, NEWS.name(), null, "two", -1,
                LARGE, NO_MAX_AGE, ttl, index);

        List<PublishScript.Appended> one = run(LARGE, List.of(first));
        assertThat(sync.get(index)).isEqualTo(one.get(0).entryId());
        List<PublishScript.Appended> two = run(LARGE, List.of(again));

        assertThat(two.get(0).duplicate()).as("a repeated ID is appended, unlike an idempotency key").isFalse();
        assertThat(all(KEYS.history(PARTITION, NEWS))).extracting(m -> m.getBody().get("d")).containsExactly("one", "two");
        assertThat(sync.get(index)).as("the latest event with the ID").isEqualTo(two.get(0).entryId());
        assertThat(sync.pttl(index)).as("kept as long as the history").isBetween(ttl - 10_000, ttl);
        assertThatThrownBy(() -> new PublishScript.Append(KEYS.history(PARTITION, NEWS), "key", NEWS.name(), null, "x", -1,
                LARGE, NO_MAX_AGE, ttl, index)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void assignsLaterIdsToLaterRuns() throws Exception {
        List<StreamId> all = new ArrayList<>();
        for (int run = 0; run < 20; run++) {
            publish(LARGE, Publish.of(NEWS, "a"), Publish.of(THIRD, "b")).forEach(id -> all.add(StreamId.parse(id)));
        }

        assertThat(all).isSorted().doesNotHaveDuplicates().hasSize(40);
        assertThat(all(KEYS.history(PARTITION, THIRD))).hasSize(20);
    }

    @Test
    void storesPayloadsByteExact() throws Exception {
        String data = "caf\u00E9 \uD83D\uDE00 \u65E5\u672C\r\nline\rcr\u0000nul " + "x".repeat(10_000);

        String id = publish(LARGE, Publish.of(NEWS, data)).get(0);

        assertThat(all(KEYS.history(PARTITION, NEWS))).singleElement()
                .satisfies(m -> assertThat(m.getId()).isEqualTo(id))
                .satisfies(m -> assertThat(m.getBody().get("d")).isEqualTo(data));
    }

    @Test
    void decodesAnEmptyEventNameAndRetryAsAbsent() throws Exception {
        publish(LARGE,
                new Publish(NEWS, "", "", "", LARGE, NO_MAX_AGE, NO_TTL),
                new Publish(NEWS, "price", "42", "2500", LARGE, NO_MAX_AGE, NO_TTL));

        List<StreamMessage<String, String>> history = all(KEYS.history(PARTITION, NEWS));
        Event plain = EntryFields.toEvent(NEWS, StreamId.parse(history.get(0).getId()), history.get(0).getBody());
        Event named = EntryFields.toEvent(NEWS, StreamId.parse(history.get(1).getId()), history.get(1).getBody());

        assertThat(plain.event()).isNull();
        assertThat(plain.retryMillis()).isEqualTo(-1);
        assertThat(plain.data()).isEmpty();
        assertThat(plain.topic()).isEqualTo(NEWS);
        assertThat(plain.id()).isEqualTo(StreamId.parse(history.get(0).getId()));
        assertThat(plain.publishedMicros()).isEqualTo(Long.parseLong(history.get(0).getBody().get("ts"))).isPositive();
        assertThat(named.event()).isEqualTo("price");
        assertThat(named.data()).isEqualTo("42");
        assertThat(named.retryMillis()).isEqualTo(2500);
    }

    @Test
    void decodesFeedEntriesTheSameWayAsHistoryEntries() throws Exception {
        publish(LARGE, new Publish(NEWS, "price", "42", "2500", LARGE, NO_MAX_AGE, NO_TTL));
        StreamMessage<String, String> fromFeed = all(KEYS.feed(PARTITION)).get(0);
        StreamMessage<String, String> fromHistory = all(KEYS.history(PARTITION, NEWS)).get(0);

        Event a = EntryFields.toEvent(Topic.of(fromFeed.getBody().get(EntryFields.TOPIC)), StreamId.parse(fromFeed.getId()), fromFeed.getBody());
        Event b = EntryFields.toEvent(NEWS, StreamId.parse(fromHistory.getId()), fromHistory.getBody());

        assertThat(a).isEqualTo(b);
    }

    @ParameterizedTest(name = "stream-node-max-entries {0}")
    @ValueSource(ints = {10, 100})
    void trimsHistoriesAndTheFeedToAboutTheirMaxLenInWholeNodes(int nodeSize) throws Exception {
        sync.configSet("stream-node-max-entries", String.valueOf(nodeSize));
        int maxLen = 5;
        List<String> ids = new ArrayList<>();
        for (int batch = 0; batch < 20; batch++) {
            Publish[] events = IntStream.range(0, 25)
                    .mapToObj(i -> new Publish(NEWS, "", "payload", "", maxLen, NO_MAX_AGE, NO_TTL))
                    .toArray(Publish[]::new);
            ids.addAll(publish(maxLen, events));
            ids.addAll(publish(LARGE, IntStream.range(0, 25).mapToObj(i -> Publish.of(SECOND, "kept"))
                    .toArray(Publish[]::new)));
        }

        long historyLength = sync.xlen(KEYS.history(PARTITION, NEWS));
        assertThat(historyLength).as("trimmed: never below MAXLEN, at most one node above it")
                .isBetween((long) maxLen, (long) maxLen + nodeSize)
                .isLessThan(500);
        List<StreamMessage<String, String>> kept = all(KEYS.history(PARTITION, NEWS));
        assertThat(kept.get(kept.size() - 1).getId()).as("the newest entries survive").isEqualTo(lastNewsId(ids));
        assertThat(sync.xlen(KEYS.history(PARTITION, SECOND))).as("a history with a large MAXLEN keeps all").isEqualTo(500);
        assertThat(sync.xlen(KEYS.feed(PARTITION))).as("the last trimming run left MAXLEN plus slack, then 25 were added")
                .isBetween((long) maxLen + 25, (long) maxLen + nodeSize + 25);
    }

    @Test
    void trimsTheFeedToAboutItsMaxLen() throws Exception {
        sync.configSet("stream-node-max-entries", "10");
        for (int batch = 0; batch < 20; batch++) {
            publish(5, IntStream.range(0, 25).mapToObj(i -> Publish.of(NEWS, "x")).toArray(Publish[]::new));
        }

        assertThat(sync.xlen(KEYS.feed(PARTITION))).isBetween(5L, 15L);
        assertThat(sync.xlen(KEYS.history(PARTITION, NEWS))).isEqualTo(500);
    }

    @Test
    void trimsHistoryEntriesOlderThanTheMaxAgeInWholeNodes() throws Exception {
        sync.configSet("stream-node-max-entries", "10");
        for (int batch = 0; batch < 10; batch++) {
            publish(LARGE, IntStream.range(0, 30).mapToObj(i -> Publish.of(i % 2 == 0 ? NEWS : SECOND, "old"))
                    .toArray(Publish[]::new));
        }
        assertThat(sync.xlen(KEYS.history(PARTITION, NEWS))).as("no max age, nothing trimmed").isEqualTo(150);
        TimeUnit.MILLISECONDS.sleep(50);

        List<String> ids = publish(LARGE,
                new Publish(NEWS, "", "new", "", LARGE, 20, NO_TTL),
                new Publish(SECOND, "", "new", "", LARGE, TimeUnit.HOURS.toMillis(1), NO_TTL));

        List<StreamMessage<String, String>> news = all(KEYS.history(PARTITION, NEWS));
        assertThat(news).as("every whole node of old entries is gone").hasSizeLessThanOrEqualTo(10);
        assertThat(news.get(news.size() - 1).getId()).isEqualTo(ids.get(0));
        long cutoffMs = StreamId.parse(ids.get(0)).ms() - 20;
        assertThat(news.stream().filter(m -> StreamId.parse(m.getId()).ms() < cutoffMs).count())
                .as("old entries left share the newest node").isLessThan(10);
        assertThat(sync.xlen(KEYS.history(PARTITION, SECOND))).as("nothing is older than an hour").isEqualTo(151);
        assertThat(sync.xlen(KEYS.feed(PARTITION))).as("max age applies to histories only").isEqualTo(302);
    }

    @Test
    void sendsTheScriptAgainAfterRedisForgetsIt() throws Exception {
        String sha = sha1OfScript();
        publish(LARGE, Publish.of(NEWS, "cached"));
        assertThat(sync.scriptExists(sha)).containsExactly(true);

        sync.scriptFlush();
        assertThat(sync.scriptExists(sha)).containsExactly(false);
        List<String> ids = publish(LARGE, Publish.of(NEWS, "after flush"));

        assertThat(ids).hasSize(1);
        assertThat(all(KEYS.history(PARTITION, NEWS))).extracting(m -> m.getBody().get("d")).containsExactly("cached", "after flush");
        assertThat(sync.scriptExists(sha)).as("EVAL cached it again").containsExactly(true);
    }

    @Test
    void failsWithTheRedisErrorForAnythingButNoScript() {
        sync.set(KEYS.feed(PARTITION), "not a stream");

        assertThatThrownBy(() -> publish(LARGE, Publish.of(NEWS, "x")))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(RedisCommandExecutionException.class)
                .hasMessageStartingWith("ERR herald: ")
                .hasMessageContaining("holds a string, not a stream");
        assertThat(sync.exists(KEYS.history(PARTITION, NEWS))).isZero();
    }

    @Test
    void aKeyOfTheWrongTypeForALaterEventIsRefusedBeforeAnythingIsWritten() {
        sync.set(KEYS.history(PARTITION, SECOND), "not a stream");
        sync.lpush(KEYS.idempotency(PARTITION, THIRD, "k"), "not a string");

        for (PublishScript.Append bad : List.of(Publish.of(SECOND, "x").append(null), Publish.of(THIRD, "x").append("k"))) {
            assertThatThrownBy(() -> run(LARGE, List.of(Publish.of(NEWS, "first").append(null), bad)))
                    .cause()
                    .isInstanceOf(RedisCommandExecutionException.class)
                    .hasMessageStartingWith("ERR herald: ");
        }
        assertThat(sync.exists(KEYS.feed(PARTITION), KEYS.history(PARTITION, NEWS))).as("the first event was not written").isZero();
    }

    @Test
    void anEventWhoseIdempotencyKeyWasUsedReturnsTheFirstIdAndAppendsNothing() throws Exception {
        PublishScript.Appended first = run(LARGE, List.of(Publish.of(NEWS, "once").append("order-42"))).get(0);
        PublishScript.Appended again = run(LARGE, List.of(Publish.of(NEWS, "once").append("order-42"))).get(0);

        assertThat(first.duplicate()).isFalse();
        assertThat(again).isEqualTo(new PublishScript.Appended(first.entryId(), true));
        assertThat(all(KEYS.history(PARTITION, NEWS))).hasSize(1);
        assertThat(all(KEYS.feed(PARTITION))).hasSize(1);
        String key = KEYS.idempotency(PARTITION, NEWS, "order-42");
        assertThat(sync.get(key)).startsWith(first.entryId() + " ");
        assertThat(sync.pttl(key)).isBetween(WINDOW_MS - 10_000, WINDOW_MS);
    }

    @Test
    void theSameIdempotencyKeyTwiceInOneCallAppendsTheFirstOnly() throws Exception {
        List<PublishScript.Appended> result = run(LARGE, List.of(
                Publish.of(NEWS, "a").append("k"), Publish.of(NEWS, "b").append(null), Publish.of(NEWS, "a").append("k")));

        assertThat(result).extracting(PublishScript.Appended::duplicate).containsExactly(false, false, true);
        assertThat(result.get(2).entryId()).isEqualTo(result.get(0).entryId());
        assertThat(all(KEYS.history(PARTITION, NEWS))).extracting(m -> m.getBody().get("d")).containsExactly("a", "b");
    }

    @Test
    void anIdempotencyKeyReusedForAnotherBodyRefusesTheWholeCallAndWritesNothing() throws Exception {
        PublishScript.Appended first = run(LARGE, List.of(Publish.of(NEWS, "original").append("reused"))).get(0);
        String stored = sync.get(KEYS.idempotency(PARTITION, NEWS, "reused"));

        for (List<PublishScript.Append> call : List.of(
                List.of(Publish.of(NEWS, "other").append(null), Publish.of(NEWS, "changed").append("reused")),
                List.of(new Publish(NEWS, "renamed", "original", "", LARGE, NO_MAX_AGE, NO_TTL).append("reused")),
                List.of(new Publish(NEWS, "", "original", "5000", LARGE, NO_MAX_AGE, NO_TTL).append("reused")),
                List.of(Publish.of(NEWS, "x").append("fresh"), Publish.of(NEWS, "y").append("fresh")))) {
            assertThatThrownBy(() -> run(LARGE, call)).hasCauseInstanceOf(IdempotencyKeyReusedException.class);
        }

        assertThat(all(KEYS.history(PARTITION, NEWS))).hasSize(1);
        assertThat(all(KEYS.feed(PARTITION))).hasSize(1);
        assertThat(sync.get(KEYS.idempotency(PARTITION, NEWS, "reused"))).isEqualTo(stored);
        assertThat(sync.exists(KEYS.idempotency(PARTITION, NEWS, "fresh"))).isZero();
        assertThat(run(LARGE, List.of(Publish.of(NEWS, "original").append("reused"))).get(0)).isEqualTo(new PublishScript.Appended(first.entryId(), true));
    }

    @Test
    void aKeyStoredWithoutAFingerprintStillAnswersItsRetries() throws Exception {
        String key = KEYS.idempotency(PARTITION, NEWS, "from-before");
        sync.set(key, "1-1");

        assertThat(run(LARGE, List.of(Publish.of(NEWS, "anything").append("from-before"))).get(0))
                .isEqualTo(new PublishScript.Appended("1-1", true));
    }

    @Test
    void anIdempotencyKeyIsPerTopic() throws Exception {
        List<PublishScript.Appended> result = run(LARGE, List.of(Publish.of(NEWS, "a").append("k"), Publish.of(SECOND, "b").append("k")));

        assertThat(result).extracting(PublishScript.Appended::duplicate).containsExactly(false, false);
        assertThat(result.get(1).entryId()).isNotEqualTo(result.get(0).entryId());
    }

    @Test
    void anIdempotencyKeyIsForgottenAfterTheWindow() throws Exception {
        PublishScript.Append keyed = Publish.of(NEWS, "x").append("short-lived");
        PublishScript.run(connection.async(), KEYS.feed(PARTITION), LARGE, 50, List.of(keyed)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        TimeUnit.MILLISECONDS.sleep(120);

        PublishScript.Appended later = run(LARGE, List.of(keyed)).get(0);

        assertThat(later.duplicate()).isFalse();
        assertThat(all(KEYS.history(PARTITION, NEWS))).hasSize(2);
    }

    @Test
    void aHistoryExpiresItsTtlAfterItsLastAppendAndEachAppendRefreshesIt() throws Exception {
        String history = KEYS.history(PARTITION, NEWS);
        publish(LARGE, new Publish(NEWS, "", "first", "", LARGE, NO_MAX_AGE, 60_000));
        sync.pexpire(history, 10); // as if the first append were long ago
        publish(LARGE, new Publish(NEWS, "", "second", "", LARGE, NO_MAX_AGE, 60_000));
        assertThat(sync.pttl(history)).as("refreshed by the second append").isBetween(50_000L, 60_000L);

        publish(LARGE, new Publish(NEWS, "", "third", "", LARGE, NO_MAX_AGE, 300));
        assertThat(sync.xlen(history)).isEqualTo(3);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sync.exists(history) == 0);
        assertThat(sync.xlen(KEYS.feed(PARTITION))).as("the feed has its own retention").isEqualTo(3);
        publish(LARGE, Publish.of(NEWS, "no ttl"));
        assertThat(sync.pttl(history)).as("a TTL of 0 sets none").isEqualTo(-1);
    }

    @Test
    void aHistoryMaxLenOfZeroKeepsEverything() throws Exception {
        sync.configSet("stream-node-max-entries", "10");
        for (int run = 0; run < 10; run++) {
            publish(LARGE, IntStream.range(0, 30).mapToObj(i -> new Publish(NEWS, "", "x", "", 0, NO_MAX_AGE, NO_TTL)).toArray(Publish[]::new));
        }

        assertThat(sync.xlen(KEYS.history(PARTITION, NEWS))).isEqualTo(300);
    }

    private List<String> publish(long feedMaxLen, Publish... events) throws Exception {
        return run(feedMaxLen, Arrays.stream(events).map(e -> e.append(null)).toList()).stream()
                .map(PublishScript.Appended::entryId).toList();
    }

    private List<PublishScript.Appended> run(long feedMaxLen, List<PublishScript.Append> events) throws Exception {
        return PublishScript.run(connection.async(), KEYS.feed(PARTITION), feedMaxLen, WINDOW_MS, events)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private List<StreamMessage<String, String>> all(String key) {
        return sync.xrange(key, Range.create("-", "+"));
    }

    private String lastNewsId(List<String> ids) {
        // the NEWS events are the first 25 of every 50
        return ids.get(ids.size() - 26);
    }

    private static Map<String, String> withoutTopic(Map<String, String> body) {
        Map<String, String> copy = new HashMap<>(body);
        copy.remove("t");
        return copy;
    }

    private static Topic topicInPartition(int partition, String prefix) {
        for (int i = 0; ; i++) {
            Topic topic = Topic.of(prefix + i);
            if (PARTITIONER.partitionOf(topic) == partition) {
                return topic;
            }
        }
    }

    private static String sha1OfScript() throws IOException, java.security.NoSuchAlgorithmException {
        try (InputStream in = PublishScript.class.getResourceAsStream("/herald/publish.lua")) {
            byte[] source = new String(in.readAllBytes(), UTF_8).getBytes(UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
        }
    }
}
