package io.infergate.bench.lab.policy;

import io.infergate.bench.lab.LabPolicy;
import io.infergate.bench.lab.LabRequest;
import io.infergate.bench.lab.LabView;
import io.infergate.bench.lab.Route;
import java.util.SplittableRandom;

/**
 * {@code p2c}, the power of two choices (Mitzenmacher 2001; Envoy's {@code LEAST_REQUEST} with its default
 * {@code choice_count: 2}; SGLang gateway {@code power_of_two}; AIBrix {@code power-of-two}): draw two
 * <em>distinct</em> endpoints uniformly at random and send the request to the one with fewer requests this router
 * has in flight ({@link LabView#inFlight}); on a tie the first one drawn wins. With a single endpoint it is chosen.
 *
 * <p>Approximation: SGLang compares loads from its LoadMonitor (worker-reported) when available; we use the
 * router's own in-flight counts, which is its fallback and what Envoy does.
 *
 * <p>Threading: called on the lab's single thread only. Both draws come from a {@link SplittableRandom} seeded at
 * construction: same seed, same decisions.
 */
public final class PowerOfTwoPolicy implements LabPolicy {

    public static final String NAME = "p2c";

    private final SplittableRandom random;

    public PowerOfTwoPolicy(long seed) {
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
        if (n == 1) {
            return Route.to(0);
        }
        int first = random.nextInt(n);
        int second = random.nextInt(n - 1);
        if (second >= first) {
            second++; // skip the first draw so the two are distinct and the second is still uniform
        }
        return Route.to(view.inFlight(second) < view.inFlight(first) ? second : first);
    }
}
