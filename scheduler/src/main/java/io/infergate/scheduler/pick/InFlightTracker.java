package io.infergate.scheduler.pick;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Our own in-flight requests per endpoint address ({@link Endpoint#hostPort()}): the one piece of mutable
 * state shared on the hot path. The data plane {@link #acquire}s a {@link Lease} when it commits a request to
 * an endpoint and releases it exactly once when the request ends (end of stream, error, client abort);
 * pickers read {@link #inFlight}.
 *
 * <p>Thread-safe and lock-free for readers; acquire and release are a map lookup plus one atomic update and
 * never block beyond that. Counts never go negative: the only decrement is a lease's first release, paired
 * with its own increment. Counts are keyed by address, so they survive snapshot swaps while an endpoint stays
 * in its pool; {@link #retainOnly} drops idle counters of endpoints that left. If an endpoint leaves and comes
 * back while old requests are still running, the new counter starts at 0 and the old leases decrement the old
 * one: an undercount for that while, never a negative count.
 */
public final class InFlightTracker {

    private final ConcurrentHashMap<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    /** Counts one more request on {@code endpoint} until the returned lease is released. */
    public Lease acquire(Endpoint endpoint) {
        AtomicInteger counter = counters.computeIfAbsent(endpoint.hostPort(), k -> new AtomicInteger());
        counter.incrementAndGet();
        return new Lease(endpoint, counter);
    }

    /** Our requests currently in flight on {@code endpoint}, >= 0. */
    public int inFlight(Endpoint endpoint) {
        AtomicInteger counter = counters.get(endpoint.hostPort());
        return counter == null ? 0 : counter.get();
    }

    /**
     * Forgets the idle counters of addresses not in {@code hostPorts}. Called by the single snapshot writer after
     * publishing a new snapshot; counters with requests still in flight stay until a later call finds them idle.
     */
    public void retainOnly(Set<String> hostPorts) {
        for (var e : counters.entrySet()) {
            if (!hostPorts.contains(e.getKey()) && e.getValue().get() == 0) {
                counters.remove(e.getKey(), e.getValue());
            }
        }
    }

    /** How many addresses have a counter (for tests and the admin API). */
    public int trackedEndpoints() {
        return counters.size();
    }
}
