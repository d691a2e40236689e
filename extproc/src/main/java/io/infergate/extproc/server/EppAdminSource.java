package io.infergate.extproc.server;

import io.infergate.api.model.ManifestSet;
import io.infergate.gateway.admin.AdminRoute;
import io.infergate.gateway.admin.AdminSource;
import io.infergate.gateway.admin.ConfigStatus;
import io.infergate.gateway.admin.Readiness;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.metrics.SchedulingView;
import io.infergate.gateway.picker.PoolPickers;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PoolId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What {@code infergate epp} shows on its metrics port, through the admin server {@code serve} uses:
 * {@code /metrics} (the picker's families), {@code /healthz} (200 while the server runs), {@code /readyz} (the
 * verdict of the gRPC {@code readiness} service, with a reason) and {@code /api/pools} (the one pool it picks
 * for). There is no {@code /api/config}: a picker has no listeners or routes.
 *
 * <p>Called on the admin event loop; every method reads published state and never blocks.
 */
final class EppAdminSource implements AdminSource {

    /** What the metrics render against before the pool is known: no pools, no listeners. */
    static final GatewayConfig EMPTY = GatewayConfig.compile(ManifestSet.empty());

    private static final ConfigStatus NO_STATUS = new ConfigStatus(List.of(), Optional.empty());

    private final EppState state;
    private final BooleanSupplier ready;
    private final BooleanSupplier running;

    /**
     * @param ready   what the caller of {@link EppServer} says on top of the pool being known (synced, leading)
     * @param running whether the server is started and not closing
     */
    EppAdminSource(EppState state, BooleanSupplier ready, BooleanSupplier running) {
        this.state = Objects.requireNonNull(state, "state");
        this.ready = Objects.requireNonNull(ready, "ready");
        this.running = Objects.requireNonNull(running, "running");
    }

    @Override
    public Set<AdminRoute> routes() {
        return EnumSet.of(AdminRoute.METRICS, AdminRoute.HEALTHZ, AdminRoute.READYZ, AdminRoute.POOLS);
    }

    @Override
    public GatewayConfig config() {
        return state.served().map(EppState.Served::config).orElse(EMPTY);
    }

    /** None: the picker's ports are not listeners of its configuration. */
    @Override
    public Map<String, Integer> boundPorts() {
        return Map.of();
    }

    @Override
    public InFlightTracker inFlight() {
        return state.inFlight();
    }

    @Override
    public boolean running() {
        return running.getAsBoolean();
    }

    /** Unused: {@code /api/config} is not served. */
    @Override
    public ConfigStatus configStatus() {
        return NO_STATUS;
    }

    @Override
    public String metrics() {
        return state.metrics()
                .scrape(
                        config(),
                        state.inFlight(),
                        new SchedulingView(
                                state.datastore(), state.pickers(), state.schedulerLatency(), nanoTime(), false));
    }

    /** Ready exactly when the gRPC {@code readiness} service is SERVING ({@link PickerHealth}), and running. */
    @Override
    public Readiness readiness() {
        if (!running.getAsBoolean()) {
            return new Readiness(false, "not running (starting or shutting down)");
        }
        if (!state.hasPool()) {
            return new Readiness(false, "InferencePool " + state.poolId() + " is not known yet");
        }
        if (!ready.getAsBoolean()) {
            return new Readiness(false, "not synced with the cluster yet, or not the leader");
        }
        return new Readiness(true, "ready");
    }

    /** The pool's ready pods as GIE's EPP counts them: its metrics' freshness is for the scorers to weigh. */
    @Override
    public boolean readyNeedsMetrics() {
        return false;
    }

    @Override
    public boolean shows(PoolId pool) {
        return pool.equals(state.poolId());
    }

    @Override
    public Datastore datastore() {
        return state.datastore();
    }

    @Override
    public PoolPickers pickers() {
        return state.pickers();
    }
}
