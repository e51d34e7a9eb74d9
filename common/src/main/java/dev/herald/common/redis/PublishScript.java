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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The server-side script that appends a partition's events to its feed and their topics' histories in
 * one atomic step. Called by SHA; after a Redis restart or failover forgets it ({@code NOSCRIPT}) it is
 * sent once in full, which also caches it again.
 */
public final class PublishScript {
    private static final String SOURCE = load("/herald/publish.lua");
    private static final String SHA = sha1(SOURCE);

    private PublishScript() {
    }

    /**
     * Runs the script. {@code keys} are the feed then one history per event; {@code args} as documented in
     * {@code publish.lua}. Completes with the entry IDs, in order.
     */
    public static CompletionStage<List<String>> run(RedisClusterAsyncCommands<String, String> redis, String[] keys, String[] args) {
        CompletionStage<List<String>> bySha = redis.<List<String>>evalsha(SHA, ScriptOutputType.MULTI, keys, args);
        return bySha.handle((ids, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(ids);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof RedisNoScriptException) {
                return redis.<List<String>>eval(SOURCE, ScriptOutputType.MULTI, keys, args);
            }
            return CompletableFuture.<List<String>>failedFuture(cause);
        }).thenCompose(stage -> stage);
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
