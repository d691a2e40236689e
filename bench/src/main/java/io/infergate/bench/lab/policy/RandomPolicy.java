package io.infergate.bench.lab.policy;

import io.infergate.bench.lab.LabPolicy;
import io.infergate.bench.lab.LabRequest;
import io.infergate.bench.lab.LabView;
import io.infergate.bench.lab.Route;
import java.util.SplittableRandom;

/**
 * {@code random}: each request goes to an endpoint drawn uniformly at random, ignoring all state. This is what a
 * Kubernetes Service does with kube-proxy in its default iptables mode (one {@code statistic --mode random} rule per
 * backend, kubernetes {@code pkg/proxy/iptables/proxier.go}), and the {@code random} mode of SGLang's gateway
 * ({@code policies/random.rs}) and Dynamo ({@code --router-mode random}).
 *
 * <p>Approximation: iptables picks per connection, we pick per request (the lab has no connection reuse).
 *
 * <p>Threading: called on the lab's single thread only. Randomness comes from a {@link SplittableRandom} seeded at
 * construction, so the same seed and the same sequence of calls give the same decisions.
 */
public final class RandomPolicy implements LabPolicy {

    public static final String NAME = "random";

    private final SplittableRandom random;

    public RandomPolicy(long seed) {
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
        return Route.to(random.nextInt(n));
    }
}
