package io.infergate.bench.lab;

import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.util.function.LongSupplier;

/**
 * What a policy factory gets to build a policy for one lab run: the pool as the real scheduler sees it (datastore,
 * fed by the lab's scraper; in-flight tracker, fed by the lab's leases), the virtual clock, and a seed. Baselines
 * usually need only the seed; the scheduler-backed policies need all of it. Single-threaded like the lab.
 *
 * @param datastore the pool's endpoints and their latest scraped metrics
 * @param inFlight  the router's own in-flight accounting (the lab acquires and releases the leases)
 * @param snapshot  the pool
 * @param nanoTime  virtual time
 * @param seed      the run's policy seed
 * @param flowControl the lab queues requests in front of the policy ({@link LabSettings#flowControl()}), so a
 *                    policy must not shed on its own
 */
public record LabEnvironment(
        Datastore datastore,
        InFlightTracker inFlight,
        PoolSnapshot snapshot,
        LongSupplier nanoTime,
        long seed,
        boolean flowControl) {

    /** Without flow control. */
    public LabEnvironment(
            Datastore datastore, InFlightTracker inFlight, PoolSnapshot snapshot, LongSupplier nanoTime, long seed) {
        this(datastore, inFlight, snapshot, nanoTime, seed, false);
    }
}
