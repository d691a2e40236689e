package io.infergate.bench.lab.policy;

import io.infergate.bench.lab.LabPolicy;
import io.infergate.bench.lab.LabRequest;
import io.infergate.bench.lab.LabView;
import io.infergate.bench.lab.Route;

/**
 * {@code round-robin}: what a Kubernetes Service gives an inference pool with kube-proxy in IPVS mode and its
 * default {@code rr} scheduler (kubernetes {@code pkg/proxy/ipvs}, {@code --ipvs-scheduler}, default {@code rr};
 * Linux {@code ip_vs_rr.c}): each new connection goes to the next real server in a fixed rotation, whatever the
 * servers are doing. Here every request is a new connection (no keep-alive pinning), endpoint {@code 0} first, then
 * {@code 1}, ..., {@code n-1}, {@code 0}, ...
 *
 * <p>Approximations: iptables mode (kube-proxy's default) picks a random backend instead; that is
 * {@link RandomPolicy}. A real client reusing HTTP/2 or keep-alive connections would stick to one backend per
 * connection, which the lab does not model. When the endpoint count changes the rotation continues from the same
 * counter modulo the new count (IPVS continues from its last server).
 *
 * <p>No configuration, no randomness. Threading: called on the lab's single thread only; holds a counter.
 */
public final class RoundRobinPolicy implements LabPolicy {

    public static final String NAME = "round-robin";

    private long next;

    public RoundRobinPolicy() {}

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
        int chosen = (int) Math.floorMod(next, (long) n);
        next++;
        return Route.to(chosen);
    }
}
