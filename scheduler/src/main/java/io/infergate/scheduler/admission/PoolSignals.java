package io.infergate.scheduler.admission;

import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.datastore.PoolState;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PoolId;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool's saturation signals for flow control's capacity check: each endpoint's scraped waiting queue and KV use,
 * with one correction so that a burst between two scrapes cannot all pass on the same stale reading: an endpoint's
 * waiting queue also counts the requests of ours it has beyond what it reported as running and waiting (requests
 * we sent since its last scrape). Used by the gateway's flow controllers and by the policy lab.
 *
 * <p>Stateless; safe from any thread (it reads the datastore and the tracker, both thread-safe).
 */
public final class PoolSignals {

    private PoolSignals() {}

    /** The signals of every endpoint of {@code pool} (empty when the pool is unknown: no capacity). */
    public static List<EndpointSignals> of(Datastore datastore, InFlightTracker inFlight, PoolId pool, long nowNanos) {
        PoolState state = datastore.state(pool);
        if (state == null) {
            return List.of();
        }
        List<EndpointSignals> out = new ArrayList<>(state.slots().size());
        for (int i = 0; i < state.slots().size(); i++) {
            EndpointSlot slot = state.slots().get(i);
            ScrapedMetrics s = slot.metrics();
            ModelServerMetrics m = s.metrics();
            if (s.failure() != null || !s.everRead() || !m.hasWaitingQueue() || !m.hasKvUsage()) {
                out.add(EndpointSignals.NO_METRICS);
                continue;
            }
            int reported = m.waitingQueue() + Math.max(0, m.runningRequests());
            int ours = inFlight.inFlight(state.endpoints().get(i));
            int waiting = m.waitingQueue() + Math.max(0, ours - reported);
            out.add(EndpointSignals.of(s.ageNanos(nowNanos), waiting, m.kvUsage()));
        }
        return out;
    }
}
