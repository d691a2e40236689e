package io.infergate.extproc.server;

import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.KnownModelNames;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.gateway.metrics.GatewayMetrics;
import io.infergate.gateway.metrics.SchedulerLatency;
import io.infergate.gateway.picker.PoolFlowControls;
import io.infergate.gateway.picker.PoolPickers;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.prefix.BackgroundLearner;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * What the endpoint picker serves from: the one InferencePool it picks for (compiled from the latest manifest set,
 * exactly as the gateway compiles its pools), that pool's scheduler, the datastore the metrics scraper fills and
 * our own in-flight load. The served pool is named by {@link PoolId} (the reference picker's {@code --pool-name},
 * {@code --pool-namespace} and {@code --pool-group}).
 *
 * <p>Threading: {@link #update} runs on one control-plane thread at a time (the file loader or the informers);
 * it builds the scheduler before it publishes the pool, so a stream never sees a pool without one. Everything
 * else is a lock-free read from any gRPC thread.
 */
public final class EppState implements AutoCloseable {

    /** A pool as a stream uses it: its runtime and its scheduler, published together. */
    public record Served(GatewayConfig config, PoolRuntime pool, EndpointPicker picker) {}

    private final PoolId poolId;
    private final Datastore datastore = new Datastore();
    private final InFlightTracker inFlight = new InFlightTracker();
    private final BackgroundLearner learner;
    private final PoolPickers pickers;
    private final PoolFlowControls flows;
    private final Duration sweepInterval;
    /** Label values bounded by the names of the configuration served now (the served pool's whole set). */
    private final GatewayMetrics metrics = new GatewayMetrics(this::knownModels, true);

    private final SchedulerLatency schedulerLatency = new SchedulerLatency();
    private final AtomicReference<Served> served = new AtomicReference<>();
    private volatile PickerConfigOverride override;

    /**
     * @param poolId   the pool to serve; a manifest set without it leaves the picker with no pool (every request
     *                 is answered 500/503 until it appears)
     * @param learner  runs prefix-index updates off the stream threads; null learns on the picking thread (tests)
     */
    public EppState(
            PoolId poolId,
            SchedulingOptions scheduling,
            LongSupplier nanoTime,
            Supplier<RandomGenerator> random,
            BackgroundLearner learner) {
        this.poolId = Objects.requireNonNull(poolId, "poolId");
        this.learner = learner;
        Executor learn = learner == null ? Runnable::run : learner;
        this.pickers = new PoolPickers(datastore, inFlight, scheduling, nanoTime, random, learn);
        this.flows = new PoolFlowControls(datastore, inFlight, scheduling.flowControl(), nanoTime);
        this.sweepInterval = scheduling.flowControl().expirySweepInterval();
    }

    /**
     * Compiles the set and publishes the served pool (or no pool when the set lacks it).
     *
     * @throws IllegalArgumentException when the set cannot be compiled (its scheduling configuration has errors);
     *                                  the previous pool stays served
     */
    public synchronized void update(ManifestSet set) {
        PickerConfigOverride o = override;
        GatewayConfig config = GatewayConfig.compile(o == null ? set : o.apply(set, poolId));
        pickers.update(config);
        flows.update(config);
        PoolRuntime pool = config.pool(poolId);
        if (pool == null) {
            served.set(null);
            inFlight.retainOnly(Set.of());
            return;
        }
        served.set(new Served(config, pool, pickers.picker(pool)));
        Set<String> hostPorts = new HashSet<>();
        pool.snapshot().endpoints().forEach(e -> hostPorts.add(e.hostPort()));
        inFlight.retainOnly(hostPorts);
    }

    /** Schedules the pool with this configuration from the next {@link #update} on (the {@code --config-file}). */
    public void override(PickerConfigOverride configOverride) {
        this.override = configOverride;
    }

    /** The pool as last published, if the last manifest set had it. */
    public Optional<Served> served() {
        return Optional.ofNullable(served.get());
    }

    /** Whether a manifest set has been applied that contains the pool. */
    public boolean hasPool() {
        return served.get() != null;
    }

    public PoolId poolId() {
        return poolId;
    }

    /** The InferencePool object last published, if any. */
    public Optional<InferencePool> inferencePool() {
        return served().map(s -> s.pool().models().pool());
    }

    public Datastore datastore() {
        return datastore;
    }

    public InFlightTracker inFlight() {
        return inFlight;
    }

    public PoolPickers pickers() {
        return pickers;
    }

    /** The flow controllers of pools with flow control (the served one, when it has it). */
    public PoolFlowControls flows() {
        return flows;
    }

    /** How often queued requests past their TTL are expired. */
    public Duration sweepInterval() {
        return sweepInterval;
    }

    /** How long picks took ({@code inference_extension_scheduler_e2e_duration_seconds}). */
    public SchedulerLatency schedulerLatency() {
        return schedulerLatency;
    }

    private KnownModelNames knownModels() {
        Served s = served.get();
        return s == null ? KnownModelNames.NONE : s.config().knownModels();
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        flows.close(); // anything still queued gets 503
        if (learner != null) {
            learner.close();
        }
    }
}
