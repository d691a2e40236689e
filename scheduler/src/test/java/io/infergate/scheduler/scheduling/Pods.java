package io.infergate.scheduler.scheduling;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PoolId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hand-built endpoints and metrics, in the manner of GIE's hermetic test helper {@code P(i, queue, kv, ...)}. */
final class Pods {

    static final PoolId POOL = new PoolId("inference.networking.k8s.io", "default", "pool");
    static final long NOW = 1_000_000_000L;

    private Pods() {}

    /** Pod i at 192.168.1.(i+1):8000, as GIE's hermetic tests number them. */
    static Endpoint endpoint(int i) {
        return Endpoint.of(
                new PoolEndpoint("pod" + i + "-rank-0", "pod" + i, "192.168.1." + (i + 1), 8000, 0), Map.of());
    }

    /** Metrics read 10 ms before {@link #NOW}: queue, KV usage, running adapters (max 4). */
    static ScrapedMetrics metrics(int queue, double kv, String... adapters) {
        return new ScrapedMetrics(
                new ModelServerMetrics("vllm", queue, 0, kv, Set.of(adapters), Set.of(), 4, 16, 1000, List.of()),
                NOW - 10_000_000L,
                null);
    }
}
