package dev.herald.gateway.connection;

import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this gateway is behind on delivery. Each IO loop reports, on its timer, the delivery lag of the
 * freshest event it took (publish time to the moment the loop took it, which includes any time the event
 * waited in Redis while the dispatcher held the tailer back). Over the budget at two ticks in a row (so a
 * loop catching up after a pause, which takes milliseconds, is not counted) the gateway takes no new streams (they get a
 * retry hint, so the load balancer can place them elsewhere) and each loop over budget sheds a fraction of
 * its streams per tick, with jittered retry hints, until the lag is back under budget: a cluster then
 * spreads load instead of one gateway queueing seconds of it. A budget of 0 turns this off.
 *
 * <p>Reported from IO threads and read from any thread: per-loop lags in an atomic array, the verdict in
 * a volatile.
 */
public final class OverloadGuard {
    private static final Logger LOG = LoggerFactory.getLogger(OverloadGuard.class);

    private final long budgetMicros;
    private final double shedFraction;
    private final AtomicLongArray lagMicros;
    /** Per loop, how many ticks in a row its lag was over budget; each slot is used by its own loop only. */
    private final int[] ticksOver;
    private volatile boolean overloaded;

    /**
     * @param budgetMicros delivery lag beyond which the gateway is overloaded; 0 never is
     * @param shedFraction share of a loop's streams shed per tick while its lag is over budget
     * @param loops        the number of IO loops that report
     */
    public OverloadGuard(long budgetMicros, double shedFraction, int loops) {
        this.budgetMicros = budgetMicros;
        this.shedFraction = shedFraction;
        this.lagMicros = new AtomicLongArray(loops);
        this.ticksOver = new int[loops];
    }

    public boolean isOverloaded() {
        return overloaded;
    }

    /** The largest delivery lag the loops reported at their last tick. */
    public long lagMicros() {
        long max = 0;
        for (int i = 0; i < lagMicros.length(); i++) {
            max = Math.max(max, lagMicros.get(i));
        }
        return max;
    }

    /**
     * A loop's lag at its tick; returns how many of its {@code streams} it should shed now. Enters overload
     * when a loop has been over budget for two ticks in a row, leaves it when every loop is back under half.
     */
    int report(int loop, long lag, int streams) {
        lagMicros.set(loop, lag);
        if (budgetMicros <= 0) {
            return 0;
        }
        ticksOver[loop] = lag > budgetMicros ? ticksOver[loop] + 1 : 0;
        boolean sustained = ticksOver[loop] >= 2;
        if (!overloaded && sustained) {
            overloaded = true;
            LOG.warn("overloaded: delivery lag {} ms is over the budget of {} ms; refusing new streams and shedding {}% of streams per tick until it recovers",
                    lag / 1000, budgetMicros / 1000, Math.round(shedFraction * 100));
        } else if (overloaded && lagMicros() < budgetMicros / 2) {
            overloaded = false;
            LOG.info("overload over: delivery lag {} ms", lagMicros() / 1000);
        }
        return sustained ? (int) Math.ceil(streams * shedFraction) : 0;
    }
}
