package io.infergate.scheduler.datastore;

import io.infergate.scheduler.metrics.MetricsExtractor;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Every pool's current {@link PoolState}. {@link #publish} takes new pool snapshots (config reload, endpoint
 * discovery) and keeps each address's slot, so its metrics survive; addresses that left lose their slot.
 *
 * <p>Each pool is read with its own {@link MetricsExtractor} (GIE's {@code core-metrics-extractor} of the pool's
 * EndpointPickerConfig): {@link #publish(PoolSnapshot, MetricsExtractor)} sets it, {@link #publish(PoolSnapshot)}
 * keeps the one the pool has (the built-in mappings for a new pool).
 *
 * <p>Threading: {@link #publish} and {@link #retainPools} are for the single control-plane writer (they are
 * synchronised, so a second writer is safe but serialised); {@link #state}, {@link #states} and {@link #slots} are
 * lock-free and may be called from any thread, including event loops.
 */
public final class Datastore {

    private final Map<PoolId, PoolState> pools = new ConcurrentHashMap<>();
    private final Collection<PoolState> states = Collections.unmodifiableCollection(pools.values());
    private final Function<Endpoint, String> engineOf;

    /** A datastore whose endpoints show, before their first scrape, the engine their pool's extractor picks. */
    public Datastore() {
        this.engineOf = null;
    }

    /**
     * A datastore whose endpoints show, before their first scrape, the engine {@code engineOf} names (tests, the lab).
     *
     * @param engineOf the engine name an endpoint's metrics are read with before its first scrape (for display)
     */
    public Datastore(Function<Endpoint, String> engineOf) {
        this.engineOf = Objects.requireNonNull(engineOf, "engineOf");
    }

    /** The pool's current state, or null when the pool is unknown. */
    public PoolState state(PoolId pool) {
        return pools.get(pool);
    }

    /** Every pool's current state: a live, unmodifiable view (iterating allocates nothing else). */
    public Collection<PoolState> states() {
        return states;
    }

    /** Publishes the pool's endpoints, keeping the pool's extractor (the built-in one for a new pool). */
    public PoolState publish(PoolSnapshot snapshot) {
        PoolState old = pools.get(snapshot.pool());
        return publish(snapshot, old == null ? MetricsExtractor.withBuiltins() : old.extractor());
    }

    /**
     * Publishes the pool's endpoints, reusing the slots of addresses it already had, and sets the extractor its
     * endpoints are read with from the next scrape on. Returns the new state.
     */
    public synchronized PoolState publish(PoolSnapshot snapshot, MetricsExtractor extractor) {
        Objects.requireNonNull(extractor, "extractor");
        PoolState old = pools.get(snapshot.pool());
        Map<String, EndpointSlot> byAddress = new HashMap<>();
        if (old != null) {
            old.slots().forEach(s -> byAddress.put(s.hostPort(), s));
        }
        List<EndpointSlot> slots = new ArrayList<>(snapshot.endpoints().size());
        for (Endpoint e : snapshot.endpoints()) {
            EndpointSlot slot = byAddress.get(e.hostPort());
            if (slot == null) {
                String engine = engineOf != null
                        ? engineOf.apply(e)
                        : extractor.mappingFor(e.labels()).engine();
                slot = new EndpointSlot(e, extractor, ScrapedMetrics.notYet(engine));
                byAddress.put(e.hostPort(), slot); // two endpoints at one address share a slot
            } else {
                slot.endpoint(e);
                slot.extractor(extractor);
            }
            slots.add(slot);
        }
        PoolState state = new PoolState(snapshot, slots, extractor);
        pools.put(snapshot.pool(), state);
        return state;
    }

    /** Forgets pools not in {@code keep}. */
    public synchronized void retainPools(Collection<PoolId> keep) {
        pools.keySet().retainAll(new HashSet<>(keep));
    }

    /** Every distinct slot of every pool (an address in two pools has a slot in each, scraped once per pool). */
    public List<EndpointSlot> slots() {
        Set<EndpointSlot> out = new LinkedHashSet<>();
        pools.values().forEach(p -> out.addAll(p.slots()));
        return new ArrayList<>(out);
    }
}
