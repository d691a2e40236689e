package io.infergate.scheduler.datastore;

import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Every pool's current {@link PoolState}. {@link #publish} takes new pool snapshots (config reload, endpoint
 * discovery) and keeps each address's slot, so its metrics survive; addresses that left lose their slot.
 *
 * <p>Threading: {@link #publish} and {@link #retainPools} are for the single control-plane writer (they are
 * synchronised, so a second writer is safe but serialised); {@link #state} and {@link #slots} are lock-free and
 * may be called from any thread, including event loops.
 */
public final class Datastore {

    private final Map<PoolId, PoolState> pools = new ConcurrentHashMap<>();
    private final Function<Endpoint, String> engineOf;

    /**
     * @param engineOf the engine name an endpoint's metrics are read with before its first scrape (for display)
     */
    public Datastore(Function<Endpoint, String> engineOf) {
        this.engineOf = engineOf;
    }

    /** The pool's current state, or null when the pool is unknown. */
    public PoolState state(PoolId pool) {
        return pools.get(pool);
    }

    /** Publishes the pool's endpoints, reusing the slots of addresses it already had. Returns the new state. */
    public synchronized PoolState publish(PoolSnapshot snapshot) {
        PoolState old = pools.get(snapshot.pool());
        Map<String, EndpointSlot> byAddress = new HashMap<>();
        if (old != null) {
            old.slots().forEach(s -> byAddress.put(s.hostPort(), s));
        }
        List<EndpointSlot> slots = new ArrayList<>(snapshot.endpoints().size());
        for (Endpoint e : snapshot.endpoints()) {
            EndpointSlot slot = byAddress.get(e.hostPort());
            if (slot == null) {
                slot = new EndpointSlot(e, ScrapedMetrics.notYet(engineOf.apply(e)));
                byAddress.put(e.hostPort(), slot); // two endpoints at one address share a slot
            } else {
                slot.endpoint(e);
            }
            slots.add(slot);
        }
        PoolState state = new PoolState(snapshot, slots);
        pools.put(snapshot.pool(), state);
        return state;
    }

    /** Forgets pools not in {@code keep}. */
    public synchronized void retainPools(Collection<PoolId> keep) {
        pools.keySet().retainAll(new HashSet<>(keep));
    }

    /** Every distinct slot of every pool (an address in two pools is scraped once per pool). */
    public List<EndpointSlot> slots() {
        Set<EndpointSlot> out = new java.util.LinkedHashSet<>();
        pools.values().forEach(p -> out.addAll(p.slots()));
        return new ArrayList<>(out);
    }
}
