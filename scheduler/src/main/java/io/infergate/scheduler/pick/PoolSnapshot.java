package io.infergate.scheduler.pick;

import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.Pod;
import io.infergate.api.model.PoolEndpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a pick sees of a pool: its identity and its ready endpoints at one moment. Immutable; a single writer
 * (config reload, endpoint discovery) builds a new snapshot on every change and publishes it through an
 * {@code AtomicReference}, and each scheduling decision reads exactly one snapshot, so it never sees a
 * half-applied change. Mutable per-endpoint load lives outside, in {@link InFlightTracker}.
 *
 * @param pool      the pool's identity
 * @param endpoints the ready endpoints, in discovery order; may be empty (pickers then reject with 503)
 */
public record PoolSnapshot(PoolId pool, List<Endpoint> endpoints) {
    public PoolSnapshot {
        Objects.requireNonNull(pool, "pool");
        endpoints = List.copyOf(endpoints);
    }

    /** The pool's ready endpoints in {@code set} ({@link ManifestSet#endpoints}), with their Pods' labels. */
    public static PoolSnapshot of(ManifestSet set, InferencePool pool) {
        Map<String, Map<String, String>> podLabels = new HashMap<>();
        for (Pod pod : set.podsSelectedBy(pool)) {
            podLabels.putIfAbsent(pod.metadata().name(), pod.metadata().labels());
        }
        List<Endpoint> out = new ArrayList<>();
        for (PoolEndpoint e : set.endpoints(pool)) {
            out.add(Endpoint.of(e, podLabels.getOrDefault(e.source(), Map.of())));
        }
        return new PoolSnapshot(PoolId.of(pool), out);
    }

    public boolean isEmpty() {
        return endpoints.isEmpty();
    }
}
