package dev.herald.gateway.revocation;

import dev.herald.common.redis.KeyLayout;
import dev.herald.common.redis.RedisConnector;
import dev.herald.common.redis.RedisLink;
import dev.herald.common.revocation.Revocation;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the control stream of disconnect requests ({@code <prefix>:revocations}) with {@code XREAD BLOCK} on
 * its own connection, as the feed tailers do, and hands each request to the IO loops, which close the
 * streams it names. A request arrives within one round trip of its {@code XADD}, so every gateway acts on it
 * well within a second.
 *
 * <p>Revoked token IDs are also kept in {@link RevokedTokens}. First the tailer notes where the control
 * stream ends, then loads the unexpired IDs of {@code <prefix>:revoked-tokens}; the publisher adds an ID to
 * that set before it appends the request, so every revocation is either in what was loaded or after the
 * noted position. Until then the tailer is not {@link #isStarted() started} and the gateway takes no streams
 * (as while its feed tailers position themselves), so a revoked ID is refused from the first stream on.
 * After a failed read the set is loaded again, in case the control stream (trimmed to about
 * {@value Revocation#STREAM_MAX_LEN} entries) lost entries meanwhile. Confined to its own thread.
 */
public final class RevocationTailer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationTailer.class);
    private static final int COUNT = 100;
    private static final long PRUNE_EVERY_MILLIS = 60_000;

    private final RedisLink link;
    private final KeyLayout keys;
    private final RevokedTokens tokens;
    private final Consumer<Revocation> closer;
    private final Duration block;
    private final Thread thread;
    private String position;
    private long lastPruneMillis;
    private volatile boolean running = true;
    private volatile boolean started;

    private RevocationTailer(RedisLink link, KeyLayout keys, RevokedTokens tokens, Consumer<Revocation> closer, Duration block) {
        this.link = link;
        this.keys = keys;
        this.tokens = tokens;
        this.closer = closer;
        this.block = block;
        this.thread = new Thread(this::run, "herald-revocations");
        thread.setDaemon(true);
    }

    /** Starts tailing: loads the revoked token IDs, then passes each disconnect request to {@code closer}. */
    public static RevocationTailer start(RedisConnector redis, RevokedTokens tokens, Consumer<Revocation> closer, Duration block) {
        RevocationTailer tailer = new RevocationTailer(redis.connectForBlockingReads(block), redis.settings().keys(), tokens, closer, block);
        tailer.thread.start();
        return tailer;
    }

    /** True once the revoked token IDs are loaded and the tailer knows where to read from. */
    public boolean isStarted() {
        return started;
    }

    private void startAtStreamEnd(RedisClusterCommands<String, String> commands) {
        List<StreamMessage<String, String>> last = commands.xrevrange(keys.revocations(), Range.unbounded(), Limit.from(1));
        position = last.isEmpty() ? "0-0" : last.get(0).getId();
        loadRevokedTokens(commands);
        started = true;
    }

    private void loadRevokedTokens(RedisClusterCommands<String, String> commands) {
        long now = System.currentTimeMillis();
        List<ScoredValue<String>> revoked = commands.zrangebyscoreWithScores(keys.revokedTokens(),
                Range.from(Range.Boundary.excluding(now), Range.Boundary.unbounded()));
        for (ScoredValue<String> id : revoked) {
            tokens.add(id.getValue(), (long) id.getScore());
        }
    }

    private void run() {
        RedisClusterCommands<String, String> commands = link.sync();
        long backoffMillis = 50;
        boolean reload = false;
        while (running) {
            try {
                if (!started) {
                    startAtStreamEnd(commands);
                } else if (reload) {
                    loadRevokedTokens(commands);
                }
                reload = false;
                readOnce(commands);
                pruneNowAndThen();
                backoffMillis = 50;
            } catch (Throwable e) { // an Error too: a dead tailer would silently stop every disconnect
                if (!running) {
                    break;
                }
                LOG.warn("reading the revocation stream failed ({}); retrying in {} ms", e.toString(), backoffMillis);
                reload = true;
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 1000);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void readOnce(RedisClusterCommands<String, String> commands) {
        List<StreamMessage<String, String>> entries = commands.xread(XReadArgs.Builder.block(block).count(COUNT),
                XReadArgs.StreamOffset.from(keys.revocations(), position));
        for (StreamMessage<String, String> entry : entries) {
            position = entry.getId();
            Revocation revocation;
            try {
                revocation = Revocation.fromFields(entry.getBody());
            } catch (RuntimeException e) {
                LOG.error("skipping undecodable revocation entry {}: {}", entry.getId(), e.toString());
                continue;
            }
            if (revocation.by() == Revocation.By.JTI) {
                tokens.add(revocation.value(), revocation.refusedUntil().toEpochMilli());
            }
            LOG.info("disconnecting the streams of {} {}", revocation.by().field(), revocation.value());
            closer.accept(revocation);
        }
    }

    private void pruneNowAndThen() {
        long now = System.currentTimeMillis();
        if (now - lastPruneMillis >= PRUNE_EVERY_MILLIS) {
            tokens.prune(now);
            lastPruneMillis = now;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(block.toMillis() + 5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
    }
}
