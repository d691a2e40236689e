package io.infergate.scheduler.datastore;

import io.infergate.scheduler.metrics.MetricsExtractor;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.util.List;
import java.util.Objects;

/**
 * One pool at one moment: its ready endpoints, the slot holding each one's metrics, in the same order, and the
 * extractor their metrics pages are read with. Immutable (the slots' contents change, not which slots belong here);
 * published by {@link Datastore} whenever the endpoint set or the pool's configuration changes, and read whole by
 * one scheduling decision.
 *
 * @param snapshot  the pool's endpoints
 * @param slots     {@code slots.get(i)} belongs to {@code snapshot.endpoints().get(i)}
 * @param extractor the pool's metrics extractor (GIE's {@code core-metrics-extractor})
 */
public record PoolState(PoolSnapshot snapshot, List<EndpointSlot> slots, MetricsExtractor extractor) {

    public PoolState {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(extractor, "extractor");
        slots = List.copyOf(slots);
        if (slots.size() != snapshot.endpoints().size()) {
            throw new IllegalArgumentException("slots: " + slots.size() + " for "
                    + snapshot.endpoints().size() + " endpoints (expected: one per endpoint)");
        }
    }

    public PoolId pool() {
        return snapshot.pool();
    }

    public List<Endpoint> endpoints() {
        return snapshot.endpoints();
    }
}
