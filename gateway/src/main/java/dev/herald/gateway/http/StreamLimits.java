package dev.herald.gateway.http;

import dev.herald.gateway.connection.StreamLease;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ResponseCommitListener;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the streams a gateway serves: in all ({@code herald.gateway.limits.max-streams}) and per client
 * address ({@code herald.gateway.limits.max-streams-per-address}); 0 means no cap. A request over a cap is
 * refused with a retry hint (see {@link Refusals}).
 *
 * <p>An admitted request takes a slot at once and carries a {@link StreamLease} for it: the stream gives
 * it back when it closes; a request that never becomes a stream (a 400, a refusal further on) gives it
 * back just before its answer is written — a client that retries the moment it reads the answer finds the
 * slot free, which it might not if the slot waited for the exchange to complete — or, if no answer is ever
 * written, when its exchange completes. So the counts cover streams being opened as well as open ones, and
 * the caps hold under a burst of concurrent requests too. An address whose count falls to zero is
 * forgotten.
 *
 * <p>One per gateway: every stream endpoint ({@link #around}) counts against the same caps. Thread-safe.
 */
public final class StreamLimits {
    /** Gives back the slot of a request answered without a stream taking its lease over. */
    private static final ResponseCommitListener RELEASE_BEFORE_ANSWER = StreamLimits::releaseUnused;
    /** Gives back the slot of a request that ended with no answer at all. */
    private static final ExchangeCompletionListener RELEASE_AT_END = (exchange, nextListener) -> {
        releaseUnused(exchange);
        nextListener.proceed();
    };

    private final int maxStreams;
    private final int maxPerAddress;
    private final AtomicInteger streams = new AtomicInteger();
    private final ConcurrentMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final ClientAddress addresses;
    private final Refusals refusals;

    public StreamLimits(int maxStreams, int maxPerAddress, ClientAddress addresses, Refusals refusals) {
        this.maxStreams = maxStreams;
        this.maxPerAddress = maxPerAddress;
        this.addresses = addresses;
        this.refusals = refusals;
    }

    /** {@code next}, behind the caps (or {@code next} itself when there are none). */
    public HttpHandler around(HttpHandler next) {
        return maxStreams > 0 || maxPerAddress > 0 ? exchange -> admit(exchange, next) : next;
    }

    private void admit(HttpServerExchange exchange, HttpHandler next) throws Exception {
        if (!takeGatewaySlot()) {
            refusals.refuse(exchange, Refusals.Reason.MAX_STREAMS);
            return;
        }
        String address = maxPerAddress > 0 ? addresses.of(exchange) : null;
        if (address != null && !takeAddressSlot(address)) {
            streams.decrementAndGet();
            refusals.refuse(exchange, Refusals.Reason.MAX_STREAMS_PER_ADDRESS);
            return;
        }
        exchange.putAttachment(StreamLease.KEY, () -> release(address));
        exchange.addResponseCommitListener(RELEASE_BEFORE_ANSWER);
        exchange.addExchangeCompleteListener(RELEASE_AT_END);
        next.handleRequest(exchange);
    }

    private static void releaseUnused(HttpServerExchange exchange) {
        StreamLease unused = exchange.removeAttachment(StreamLease.KEY);
        if (unused != null) {
            unused.release();
        }
    }

    private boolean takeGatewaySlot() {
        int n;
        do {
            n = streams.get();
            if (maxStreams > 0 && n >= maxStreams) {
                return false;
            }
        } while (!streams.compareAndSet(n, n + 1));
        return true;
    }

    private boolean takeAddressSlot(String address) {
        boolean[] taken = {false};
        perAddress.compute(address, (a, n) -> {
            int open = n == null ? 0 : n;
            if (open >= maxPerAddress) {
                return n;
            }
            taken[0] = true;
            return open + 1;
        });
        return taken[0];
    }

    private void release(String address) {
        streams.decrementAndGet();
        if (address != null) {
            perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }
}
