package io.infergate.bench.lab.policy;

import io.infergate.bench.lab.LabPolicy;
import io.infergate.bench.lab.LabRequest;
import io.infergate.bench.lab.LabView;
import io.infergate.bench.lab.Route;
import java.util.SplittableRandom;

/**
 * {@code least-request}: the endpoint with the fewest requests this router has in flight
 * ({@link LabView#inFlight}), ties broken uniformly at random. This is the full-scan form of "least connections"
 * (IPVS {@code lc}, AIBrix {@code least-request}, Dynamo {@code --router-mode least-loaded}, LiteLLM
 * {@code least-busy}); the random tie-break avoids the first-index bias LiteLLM was criticised for (its issue
 * #39322), which would otherwise send every request of an idle pool to endpoint 0.
 *
 * <p>Only the router's own counts are read, never scraped metrics: they are exact and never stale for requests this
 * router sent, and blind to load from anyone else (there is no one else in the lab).
 *
 * <p>Threading: called on the lab's single thread only. Randomness comes from a {@link SplittableRandom} seeded at
 * construction: same seed, same decisions.
 */
public final class LeastRequestPolicy implements LabPolicy {

    public static final String NAME = "least-request";

    private final SplittableRandom random;

    public LeastRequestPolicy(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Route route(LabRequest request, LabView view) {
        int n = view.endpoints().size();
        if (n == 0) {
            return Route.refused(503, "no endpoints");
        }
        double[] load = new double[n]; // request counts: exact in a double
        for (int i = 0; i < n; i++) {
            load[i] = view.inFlight(i);
        }
        return Route.to(Ties.argMin(load, random));
    }
}
