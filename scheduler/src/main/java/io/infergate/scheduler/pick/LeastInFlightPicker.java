package io.infergate.scheduler.pick;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The default picker until the scoring scheduler lands: every ready endpoint, ordered by our own in-flight
 * requests ({@link InFlightTracker}), fewest first; ties are broken at random so that equal endpoints share
 * the load. The first endpoint is the choice, the rest are retry fallbacks in the same order. It reads no
 * scraped metrics. With no ready endpoint it rejects with 503; it never sheds.
 *
 * <p>Thread-safe if {@code random} is: the supplier is called on the picking thread and must return a
 * generator that thread may use (production: {@code ThreadLocalRandom::current}; tests and the policy lab:
 * one seeded generator on one thread). Never blocks. Cost: {@code n-1} draws and one sort of {@code n} longs.
 */
public final class LeastInFlightPicker implements EndpointPicker {

    private final InFlightTracker inFlight;
    private final Supplier<? extends RandomGenerator> random;

    public LeastInFlightPicker(InFlightTracker inFlight, Supplier<? extends RandomGenerator> random) {
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public PickResult pick(PickRequest request, PoolSnapshot pool) {
        List<Endpoint> endpoints = pool.endpoints();
        int n = endpoints.size();
        if (n == 0) {
            return PickResult.noReadyEndpoint(pool.pool());
        }
        // A random permutation first, then a sort by in-flight on keys (count << 32 | position): equal counts
        // keep their random order, and sorting primitives needs no comparator or boxing.
        int[] order = shuffledIndexes(n, random.get());
        long[] keys = new long[n];
        for (int p = 0; p < n; p++) {
            keys[p] = ((long) inFlight.inFlight(endpoints.get(order[p])) << 32) | p;
        }
        Arrays.sort(keys);
        Endpoint[] out = new Endpoint[n];
        for (int i = 0; i < n; i++) {
            out[i] = endpoints.get(order[(int) keys[i]]);
        }
        return PickResult.picked(Arrays.asList(out));
    }

    private static int[] shuffledIndexes(int n, RandomGenerator random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
