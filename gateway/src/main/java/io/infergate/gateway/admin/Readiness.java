package io.infergate.gateway.admin;

import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.ListenerConfig;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.gateway.metrics.ReadyEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code /readyz} verdict: ready when the gateway runs, every configured listener has its socket bound, and
 * at least one InferencePool has a ready endpoint ({@link ReadyEndpoints}: an endpoint whose {@code /metrics}
 * scrape failed or is stale does not count). A configuration without any InferencePool (only Service backends or
 * TCP routes) has no pool to wait for and is ready once its listeners are bound.
 *
 * @param ready  the verdict
 * @param reason why not (or {@code "ready"}), one line per failed condition
 */
public record Readiness(boolean ready, String reason) {

    /** Judges {@code source} now. Never blocks. */
    public static Readiness of(AdminSource source) {
        if (!source.running()) {
            return new Readiness(false, "not running (starting or shutting down)");
        }
        GatewayConfig config = source.config();
        Map<String, Integer> bound = source.boundPorts();
        List<String> reasons = new ArrayList<>();
        for (ListenerConfig l : config.listeners()) {
            if (!bound.containsKey(l.id())) {
                reasons.add("listener " + l.id() + " (" + l.protocol() + " port " + l.port() + ") is not bound");
            }
        }
        List<PoolRuntime> pools = config.pools();
        long now = source.nanoTime();
        int ready = 0;
        int listed = 0;
        for (PoolRuntime p : pools) {
            ready += ReadyEndpoints.count(p, source.readyNeedsMetrics() ? source.datastore() : null, now);
            listed += p.snapshot().endpoints().size();
        }
        if (!pools.isEmpty() && ready == 0) {
            String unscraped = listed == 0
                    ? ""
                    : "; " + listed + " endpoint(s) left out because their /metrics scrape failed or is stale";
            reasons.add("no InferencePool has a ready endpoint (pools: "
                    + String.join(
                            ", ", pools.stream().map(p -> p.id().toString()).toList()) + ")" + unscraped);
        }
        return reasons.isEmpty() ? new Readiness(true, "ready") : new Readiness(false, String.join("\n", reasons));
    }
}
