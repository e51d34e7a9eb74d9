package dev.herald.common.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The server-side script that appends a partition's events to its feed and their topics' histories in
 * one atomic step, skipping events whose idempotency key was already used (and refusing the call, with
 * {@link IdempotencyKeyReusedException}, if one was used for another body). Called by SHA; after a Redis
 * restart or failover forgets it ({@code NOSCRIPT}) it is sent once in full, which also caches it again.
 * This class owns the script's argument layout (documented in {@code publish.lua}); callers pass typed values.
 */
public final class PublishScript {
    private static final String SOURCE = load("/herald/publish.lua");
    private static final String SHA = sha1(SOURCE);
    private static final int VALUES_PER_EVENT = 8;
    /** The script's refusal of a key reused with another body (publish.lua). */
    private static final String KEY_REUSED = "ERR herald: idempotency key reused";
    /** In place of a fingerprint: the event's key is its ID-index key (publish.lua); never base64url. */
    private static final String ID_INDEX = "#";

    private PublishScript() {
    }

    /**
     * One event to append.
     *
     * @param historyKey          its topic's history stream, in the partition's hash slot
     * @param idempotencyKey      its idempotency key ({@link KeyLayout#idempotency}), or {@code null} for none
     * @param event               SSE event name, or {@code null} for the default
     * @param retryMillis         reconnection hint, or -1 for none
     * @param historyMaxLen       approximate MAXLEN of the history, 0 for no length limit
     * @param historyMaxAgeMillis entries older than this are trimmed, 0 for no age limit
     * @param historyTtlMillis    the history expires this long after its last append, 0 for never
     * @param idIndexKey          a key ({@link KeyLayout#idIndex}) to set to the entry ID, or {@code null}; never
     *                            with an idempotency key
     */
    public record Append(String historyKey, String idempotencyKey, String topic, String event, String data, long retryMillis,
                         long historyMaxLen, long historyMaxAgeMillis, long historyTtlMillis, String idIndexKey) {
        public Append {
            if (idempotencyKey != null && idIndexKey != null) {
                throw new IllegalArgumentException("an event has an idempotency key or an ID-index key, not both");
            }
        }

        /** An event without an ID-index key. */
        public Append(String historyKey, String idempotencyKey, String topic, String event, String data, long retryMillis,
                      long historyMaxLen, long historyMaxAgeMillis, long historyTtlMillis) {
            this(historyKey, idempotencyKey, topic, event, data, retryMillis, historyMaxLen, historyMaxAgeMillis, historyTtlMillis, null);
        }
    }

    /**
     * What the script did with one event.
     *
     * @param entryId   the entry ID in the feed and history ({@code <ms>-<seq>})
     * @param duplicate true if the event's idempotency key had been used within the window: {@code entryId}
     *                  is then that earlier event's, and nothing was appended now
     */
    public record Appended(String entryId, boolean duplicate) {
    }

    /**
     * Runs the script for {@code events}, all of the partition whose feed is {@code feedKey}. Completes with one
     * {@link Appended} per event, in order.
     *
     * @param idempotencyWindowMillis how long an idempotency key is remembered after its first use
     */
    public static CompletionStage<List<Appended>> run(RedisClusterAsyncCommands<String, String> redis, String feedKey, long feedMaxLen,
                                                      long idempotencyWindowMillis, List<Append> events) {
        String[] keys = new String[1 + 2 * events.size()];
        String[] args = new String[2 + VALUES_PER_EVENT * events.size()];
        keys[0] = feedKey;
        args[0] = Long.toString(feedMaxLen);
        args[1] = Long.toString(idempotencyWindowMillis);
        for (int i = 0; i < events.size(); i++) {
            Append e = events.get(i);
            keys[1 + 2 * i] = e.historyKey();
            keys[2 + 2 * i] = e.idempotencyKey() != null ? e.idempotencyKey() : e.idIndexKey() != null ? e.idIndexKey() : e.historyKey();
            int b = 2 + VALUES_PER_EVENT * i;
            args[b] = e.topic();
            args[b + 1] = e.event() == null ? "" : e.event();
            args[b + 2] = e.data();
            args[b + 3] = e.retryMillis() < 0 ? "" : Long.toString(e.retryMillis());
            args[b + 4] = Long.toString(e.historyMaxLen());
            args[b + 5] = Long.toString(e.historyMaxAgeMillis());
            args[b + 6] = e.idempotencyKey() != null ? fingerprint(e) : e.idIndexKey() != null ? ID_INDEX : "";
            args[b + 7] = Long.toString(e.historyTtlMillis());
        }
        return call(redis, keys, args).thenApply(PublishScript::appended);
    }

    /** Calls by SHA, sending the script in full on {@code NOSCRIPT}; a refusal of a reused key fails typed. */
    private static CompletionStage<List<Object>> call(RedisClusterAsyncCommands<String, String> redis, String[] keys, String[] args) {
        return redis.<List<Object>>evalsha(SHA, ScriptOutputType.MULTI, keys, args).exceptionallyCompose(error -> cause(error) instanceof RedisNoScriptException
                ? redis.<List<Object>>eval(SOURCE, ScriptOutputType.MULTI, keys, args)
                : CompletableFuture.failedFuture(cause(error))
        ).exceptionallyCompose(error -> {
            Throwable cause = cause(error);
            return CompletableFuture.failedFuture(cause.getMessage() != null && cause.getMessage().startsWith(KEY_REUSED)
                    ? new IdempotencyKeyReusedException(cause.getMessage().substring("ERR ".length()))
                    : cause);
        });
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /**
     * What an idempotency key remembers of its event's body, to tell a retry (same fingerprint) from a reuse
     * for another event: SHA-256 over the name, retry hint and data, each length-prefixed so no two bodies
     * share an encoding; 128 bits of it in base64url.
     */
    static String fingerprint(Append e) {
        String name = e.event() == null ? "" : e.event();
        String canonical = name.length() + ":" + name + "|" + e.retryMillis() + "|" + e.data().length() + ":" + e.data();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The reply is an entry ID and a 0/1 duplicate flag per event. */
    private static List<Appended> appended(List<Object> reply) {
        List<Appended> result = new ArrayList<>(reply.size() / 2);
        for (int i = 0; i < reply.size(); i += 2) {
            result.add(new Appended((String) reply.get(i), ((Long) reply.get(i + 1)) == 1L));
        }
        return result;
    }

    private static String load(String resource) {
        try (InputStream in = PublishScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
