package io.infergate.gateway.picker;

import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.scheduler.admission.EndpointSignals;
import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.admission.PoolCapacity;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.datastore.PoolState;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PoolId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The flow controllers of the pools that have flow control on ({@code infergate.io/flow-control: "true"}). A
 * request to such a pool waits in its controller while the pool is saturated and is dispatched, by priority band,
 * fairness id and arrival, as capacity appears.
 *
 * <p><b>Capacity</b> is GIE's utilization detector over the pool's endpoints, with one correction so that a burst
 * between two scrapes cannot all pass on the same stale reading: an endpoint's waiting queue counts, on top of the
 * scraped value, the requests of ours it has beyond what it reported as running and waiting (requests we sent
 * since its last scrape).
 *
 * <p>Threading: {@link #update}, {@link #pokeAll}, {@link #sweepAll} and {@link #close} run on the control plane;
 * {@link #controller} is a lock-free read from event loops. Controllers are thread-safe.
 */
public final class PoolFlowControls implements AutoCloseable {

    private final Datastore datastore;
    private final InFlightTracker inFlight;
    private final UtilizationSaturationDetector detector;
    private final FlowControlConfig config;
    private final LongSupplier nanoTime;
    private final Map<PoolId, FlowController<Object>> controllers = new ConcurrentHashMap<>();

    public PoolFlowControls(Datastore datastore, InFlightTracker inFlight, UtilizationSaturationDetector detector,
                            FlowControlConfig config, LongSupplier nanoTime) {
        this.datastore = Objects.requireNonNull(datastore, "datastore");
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.detector = Objects.requireNonNull(detector, "detector");
        this.config = Objects.requireNonNull(config, "config");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The pool's controller, or null when the pool has no flow control. */
    public FlowController<Object> controller(PoolId pool) {
        return controllers.get(pool);
    }

    /** Creates controllers for pools that turned flow control on; closes those of pools that left or turned it off. */
    public synchronized void update(GatewayConfig next) {
        Set<PoolId> keep = new HashSet<>();
        for (PoolRuntime pool : next.pools()) {
            if (pool.flowControl()) {
                keep.add(pool.id());
                controllers.computeIfAbsent(pool.id(), id -> new FlowController<>(config,
                        PoolCapacity.of(detector, () -> signals(id)), nanoTime));
            }
        }
        for (var it = controllers.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!keep.contains(e.getKey())) {
                it.remove();
                e.getValue().close(); // queued requests get 503
            }
        }
    }

    /** Lets every controller dispatch what capacity allows (after a request ended, after a scrape). */
    public void pokeAll() {
        controllers.values().forEach(FlowController::poke);
    }

    /** Expires requests that waited longer than the TTL. */
    public void sweepAll() {
        controllers.values().forEach(FlowController::sweepExpired);
    }

    public Map<PoolId, FlowController<Object>> controllers() {
        return Map.copyOf(controllers);
    }

    private List<EndpointSignals> signals(PoolId pool) {
        PoolState state = datastore.state(pool);
        if (state == null) {
            return List.of();
        }
        long now = nanoTime.getAsLong();
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
            out.add(EndpointSignals.of(s.ageNanos(now), waiting, m.kvUsage()));
        }
        return out;
    }

    @Override
    public synchronized void close() {
        controllers.values().forEach(FlowController::close);
        controllers.clear();
    }
}
