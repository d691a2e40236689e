package io.infergate.gateway.picker;

import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.scheduler.admission.EndpointLoad;
import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.admission.PoolSignals;
import io.infergate.scheduler.admission.ReservingHeadroom;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.PoolState;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PoolId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The flow controllers of the pools that have flow control on: those whose EndpointPickerConfig enables the
 * {@code flowControl} feature gate (with that configuration's limits, TTL, bands and saturation detector), and
 * those annotated {@code infergate.io/flow-control: "true"} (with the gateway's default settings). A request to
 * such a pool waits in its controller while the pool is saturated and is dispatched, by priority band, fairness id
 * and arrival, as capacity appears.
 *
 * <p><b>Capacity</b> is the utilization detector's per-endpoint {@linkplain UtilizationSaturationDetector#headroom
 * headroom}, with the pool's current thresholds (its configuration's {@code utilization-detector}, else GIE's
 * defaults) over {@link PoolSignals}: the scraped signals plus our requests leased since, less the requests the
 * controller released whose pick has not run yet. So a burst between two scrapes cannot all pass on the same stale
 * reading, and one poke releases at most what the endpoints can take. Per priority ({@link ReservingHeadroom}):
 * while Critical requests arrive, priorities 0 and below get less, so that part of each endpoint's batch stays free
 * for Critical ({@link io.infergate.scheduler.admission.CriticalReserve}, from {@code --flow-control-critical-reserve}
 * and {@code --flow-control-reserve-prefills}, the same for every pool).
 *
 * <p><b>Reloads.</b> A pool keeps its controller, and its queue, while its settings stay equal. When they change,
 * a new controller takes the pool's new requests at once and the old one is <em>retired</em>: it accepts nothing
 * new but goes on dispatching what it holds as capacity appears (its TTL still applies), so no queued request is
 * lost to a reload; the new controller dispatches only once the retired ones of its pool are empty, so requests
 * that waited longer go first. A retired controller is closed after it has been seen empty at two sweeps in a row
 * (a request that looked the old controller up just before the reload still gets in). A pool that turns flow
 * control off retires its controller the same way; a pool that is removed closes it, and what it held gets 503.
 *
 * <p>Threading: {@link #update}, {@link #sweepAll} and {@link #close} run on the control plane and are serialised;
 * {@link #pokeAll} runs on any thread (event loops after a response, the control plane after a scrape);
 * {@link #controller} is a lock-free read from event loops. Controllers are thread-safe.
 */
public final class PoolFlowControls implements AutoCloseable {

    /** What a controller is built from; a change replaces the controller. */
    private record Settings(FlowControlConfig config, UtilizationSaturationDetector.Config detector) {}

    private record Current(Settings settings, long generation, FlowController<Object> controller) {}

    /** A replaced controller that still dispatches its queue. */
    private static final class Retired {
        final PoolId pool;
        final long generation;
        final FlowController<Object> controller;
        boolean seenEmpty; // control plane only

        Retired(PoolId pool, Current c) {
            this.pool = pool;
            this.generation = c.generation();
            this.controller = c.controller();
        }
    }

    private final Datastore datastore;
    private final InFlightTracker inFlight;
    private final FlowControlConfig defaults;
    private final LongSupplier nanoTime;
    private final Map<PoolId, Current> controllers = new ConcurrentHashMap<>();
    private final List<Retired> retired = new CopyOnWriteArrayList<>();
    /** Every pool's capacity rule as configured now; retired controllers of the pool dispatch by it too. */
    private final Map<PoolId, ReservingHeadroom> detectors = new ConcurrentHashMap<>();

    private long generations; // guarded by this

    /**
     * @param defaults the settings of pools with flow control by annotation only (no feature gate of their own)
     */
    public PoolFlowControls(
            Datastore datastore, InFlightTracker inFlight, FlowControlConfig defaults, LongSupplier nanoTime) {
        this.datastore = Objects.requireNonNull(datastore, "datastore");
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The pool's controller for new requests, or null when the pool has no flow control. */
    public FlowController<Object> controller(PoolId pool) {
        Current c = controllers.get(pool);
        return c == null ? null : c.controller();
    }

    /**
     * Creates controllers for pools that turned flow control on, replaces those whose settings changed, retires
     * those of pools that turned it off and closes those of pools that left.
     */
    public synchronized void update(GatewayConfig next) {
        Set<PoolId> keep = new HashSet<>();
        Set<PoolId> present = new HashSet<>();
        for (PoolRuntime pool : next.pools()) {
            present.add(pool.id());
            UtilizationSaturationDetector.Config d = pool.scheduling().saturationDetector();
            // the reserve is the process's (serve / epp flags), also for pools with a flowControl section of their own
            FlowControlConfig config = pool.scheduling()
                    .flowControlConfig()
                    .map(c -> c.withCriticalReserve(defaults.criticalReserve()))
                    .orElse(defaults);
            ReservingHeadroom headroom = detectors.get(pool.id());
            if (headroom == null
                    || !headroom.detector().config().equals(d)
                    || !headroom.reserve().equals(config.criticalReserve())) {
                detectors.put(
                        pool.id(),
                        new ReservingHeadroom(
                                new UtilizationSaturationDetector(d), config.criticalReserve(), nanoTime));
            }
            if (!pool.flowControl()) {
                continue;
            }
            keep.add(pool.id());
            Settings settings = new Settings(config, d);
            Current old = controllers.get(pool.id());
            if (old != null && old.settings().equals(settings)) {
                continue;
            }
            controllers.put(pool.id(), create(pool.id(), settings)); // new requests go here from now on
            if (old != null) {
                retired.add(new Retired(pool.id(), old));
            }
        }
        for (var it = controllers.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!keep.contains(e.getKey())) {
                it.remove();
                if (present.contains(e.getKey())) {
                    retired.add(new Retired(e.getKey(), e.getValue()));
                } else {
                    e.getValue().controller().close(); // the pool is gone: queued requests get 503
                }
            }
        }
        for (Retired r : retired) {
            if (!present.contains(r.pool)) {
                r.controller.close();
                retired.remove(r);
            }
        }
        detectors.keySet().retainAll(present);
    }

    private Current create(PoolId pool, Settings settings) {
        long generation = ++generations;
        // the older queue of the pool goes first: no capacity for this one while a retired one still holds requests
        FlowController<Object> c = new FlowController<>(
                settings.config(),
                (priority, dispatching) -> !olderQueued(pool, generation) && hasCapacity(pool, priority, dispatching),
                nanoTime);
        return new Current(settings, generation, c);
    }

    /**
     * Whether the pool's endpoints can take more than the {@code dispatching} requests already released to them, by
     * the pool's detector as configured now (a removed pool has none: no capacity).
     */
    private boolean hasCapacity(PoolId pool, int priority, int dispatching) {
        ReservingHeadroom headroom = detectors.get(pool);
        return headroom != null && headroom.headroom(priority, loads(pool)) > dispatching;
    }

    private boolean olderQueued(PoolId pool, long generation) {
        if (retired.isEmpty()) {
            return false; // the usual case, without an iterator
        }
        for (Retired r : retired) {
            if (r.generation < generation && r.pool.equals(pool) && r.controller.queuedRequests() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Lets every controller dispatch what capacity allows (after a request ended, after a scrape); oldest first. */
    public void pokeAll() {
        for (Retired r : retired) {
            r.controller.poke();
        }
        controllers.values().forEach(c -> c.controller().poke());
    }

    /** Expires requests that waited longer than their TTL, and closes retired controllers that stay empty. */
    public synchronized void sweepAll() {
        for (Retired r : retired) {
            r.controller.sweepExpired();
            if (r.controller.queuedRequests() > 0) {
                r.seenEmpty = false;
            } else if (r.seenEmpty) {
                r.controller.close();
                retired.remove(r);
            } else {
                r.seenEmpty = true;
            }
        }
        controllers.values().forEach(c -> c.controller().sweepExpired());
        detectors.forEach((pool, headroom) -> {
            PoolState state = datastore.state(pool);
            if (state != null) {
                Set<String> present = new HashSet<>();
                state.endpoints().forEach(e -> present.add(e.hostPort()));
                headroom.retainOnly(present); // forget what was learned of endpoints that left
            }
        });
    }

    /** The controllers of new requests, by pool. */
    public Map<PoolId, FlowController<Object>> controllers() {
        Map<PoolId, FlowController<Object>> out = new HashMap<>();
        controllers.forEach((id, c) -> out.put(id, c.controller()));
        return Map.copyOf(out);
    }

    /** Requests still queued in retired controllers of {@code pool} (replaced by a reload, draining). */
    public int retiredQueued(PoolId pool) {
        int n = 0;
        for (Retired r : retired) {
            if (r.pool.equals(pool)) {
                n += r.controller.queuedRequests();
            }
        }
        return n;
    }

    private List<EndpointLoad> loads(PoolId pool) {
        return PoolSignals.loads(datastore, inFlight, pool, nanoTime.getAsLong());
    }

    @Override
    public synchronized void close() {
        controllers.values().forEach(c -> c.controller().close());
        controllers.clear();
        retired.forEach(r -> r.controller.close());
        retired.clear();
    }
}
