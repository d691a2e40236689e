package io.infergate.scheduler.pick;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Our own in-flight requests per endpoint address ({@link Endpoint#hostPort()}): the one piece of mutable
 * state shared on the hot path. The data plane {@link #acquire}s a {@link Lease} when it commits a request to
 * an endpoint and releases it exactly once when the request ends (end of stream, error, client abort);
 * pickers read {@link #inFlight} and {@link #inFlightTokens}. Each lease gives back exactly the tokens it added
 * (prompt tokens at the first token or at release, whichever comes first; output tokens at release), so the
 * token sums cannot drift however a request ends.
 *
 * <p>Thread-safe and lock-free for readers; acquire and release are a map lookup plus one atomic update and
 * never block beyond that. Counts never go negative: the only decrement is a lease's first release, paired
 * with its own increment. Counts are keyed by address, so they survive snapshot swaps while an endpoint stays
 * in its pool; {@link #retainOnly} drops idle counters of endpoints that left. If an endpoint leaves and comes
 * back while old requests are still running, the new counter starts at 0 and the old leases decrement the old
 * one: an undercount for that while, never a negative count.
 */
public final class InFlightTracker {

    private final ConcurrentHashMap<String, Load> counters = new ConcurrentHashMap<>();

    /** One address's load: requests, and the tokens they are still expected to cost. */
    static final class Load {
        final AtomicInteger requests = new AtomicInteger();
        final AtomicLong tokens = new AtomicLong();
        /** Requests not yet at their first token: prompts the endpoint still has to prefill. */
        final AtomicInteger prefilling = new AtomicInteger();

        boolean idle() {
            return requests.get() == 0;
        }
    }

    /** Counts one more request on {@code endpoint} until the returned lease is released; no token estimate. */
    public Lease acquire(Endpoint endpoint) {
        return acquire(endpoint, 0, 0);
    }

    /**
     * Counts one more request on {@code endpoint} with its estimated cost: {@code promptTokens} not yet prefilled
     * (released at the first token, {@link Lease#firstToken}) and {@code outputTokens} expected (released when
     * the lease is). Both >= 0.
     */
    public Lease acquire(Endpoint endpoint, long promptTokens, long outputTokens) {
        if (promptTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("tokens: " + promptTokens + ", " + outputTokens + " (expected: >= 0)");
        }
        Load load = counters.computeIfAbsent(endpoint.hostPort(), k -> new Load());
        load.requests.incrementAndGet();
        load.prefilling.incrementAndGet();
        load.tokens.addAndGet(promptTokens + outputTokens);
        return new Lease(endpoint, load, promptTokens, outputTokens);
    }

    /** Our requests currently in flight on {@code endpoint}, >= 0. */
    public int inFlight(Endpoint endpoint) {
        Load load = counters.get(endpoint.hostPort());
        return load == null ? 0 : load.requests.get();
    }

    /**
     * The tokens our in-flight requests on {@code endpoint} are still expected to cost: prompt tokens of requests
     * before their first token plus the output estimates of all of them, >= 0.
     */
    public long inFlightTokens(Endpoint endpoint) {
        Load load = counters.get(endpoint.hostPort());
        return load == null ? 0 : load.tokens.get();
    }

    /**
     * Our requests on {@code endpoint} that have not had their first token yet, >= 0: each one is a prompt the
     * endpoint still has to prefill, and a new request sent there waits behind them for its own first token.
     */
    public int prefilling(Endpoint endpoint) {
        Load load = counters.get(endpoint.hostPort());
        return load == null ? 0 : load.prefilling.get();
    }

    /** {@link #read(Endpoint[], int[], long[], int[])} without the prefilling counts. */
    public void read(Endpoint[] endpoints, int[] requests, long[] tokens) {
        read(endpoints, requests, tokens, null);
    }

    /**
     * Reads the counts of each endpoint with one lookup: {@code requests[i]} and {@code tokens[i]} become
     * {@link #inFlight} and {@link #inFlightTokens} of {@code endpoints[i]} (for the scheduler, which needs both
     * for every candidate), and {@code prefilling[i]} {@link #prefilling} unless that array is null. The arrays
     * must be at least as long as {@code endpoints}.
     */
    public void read(Endpoint[] endpoints, int[] requests, long[] tokens, int[] prefilling) {
        for (int i = 0; i < endpoints.length; i++) {
            Load load = counters.get(endpoints[i].hostPort());
            if (load == null) {
                requests[i] = 0;
                tokens[i] = 0;
                if (prefilling != null) {
                    prefilling[i] = 0;
                }
            } else {
                requests[i] = load.requests.get();
                tokens[i] = load.tokens.get();
                if (prefilling != null) {
                    prefilling[i] = load.prefilling.get();
                }
            }
        }
    }

    /**
     * Forgets the idle counters of addresses not in {@code hostPorts}. Called by the single snapshot writer after
     * publishing a new snapshot; counters with requests still in flight stay until a later call finds them idle.
     */
    public void retainOnly(Set<String> hostPorts) {
        for (var e : counters.entrySet()) {
            if (!hostPorts.contains(e.getKey()) && e.getValue().idle()) {
                counters.remove(e.getKey(), e.getValue());
            }
        }
    }

    /** How many addresses have a counter (for tests and the admin API). */
    public int trackedEndpoints() {
        return counters.size();
    }
}
