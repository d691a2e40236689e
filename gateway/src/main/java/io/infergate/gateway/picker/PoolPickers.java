package io.infergate.gateway.picker;

import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Scheduler;
import io.infergate.scheduler.scheduling.config.PoolPickerConfig;
import io.infergate.scheduler.scheduling.config.SchedulerSetup;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One {@link Scheduler} per InferencePool. A pool keeps its scheduler, and with it its prefix index and sessions,
 * across reloads while its profile (and EndpointPickerConfig, and whether flow control gates it) stays the same; a
 * new profile gets a new scheduler around the same prefix index. A pool with flow control gets a scheduler that
 * sheds nothing itself: its flow controller ({@link PoolFlowControls}) holds requests instead. {@link #update} also
 * publishes every pool's endpoints to the datastore the scraper reads, with the pool's metrics extractor.
 *
 * <p>Threading: {@link #update} runs on the control plane before the new configuration is published, so requests
 * find their pool's scheduler ready; {@link #picker} is a lock-free map read from event loops (a pool it has not
 * seen, possible only in a race with a reload, is built on the spot under a lock).
 */
public final class PoolPickers {

    /** What a pool's scheduler was built from: a profile name, or a configuration (compared by identity). */
    private record Entry(String profile, Object config, boolean flowControl, Scheduler scheduler) {
        boolean builtFrom(PoolRuntime pool, String p) {
            return profile.equals(p) && config == configOf(pool) && flowControl == pool.flowControl();
        }
    }

    private static Object configOf(PoolRuntime pool) {
        return pool.pickerConfig().map(PoolPickerConfig::config).orElse(null);
    }

    private final Datastore datastore;
    private final InFlightTracker inFlight;
    private final SchedulingOptions options;
    private final LongSupplier nanoTime;
    private final Supplier<RandomGenerator> random;
    private final Map<PoolId, Entry> entries = new ConcurrentHashMap<>();
    private final Map<PoolId, PrefixIndex> indexes = new ConcurrentHashMap<>();
    private final Executor prefixLearner;

    /** Pickers whose prefix indexes learn on the deciding thread (deterministic: tests). */
    public PoolPickers(
            Datastore datastore,
            InFlightTracker inFlight,
            SchedulingOptions options,
            LongSupplier nanoTime,
            Supplier<RandomGenerator> random) {
        this(datastore, inFlight, options, nanoTime, random, Runnable::run);
    }

    /**
     * @param prefixLearner runs the prefix indexes' updates after each pick (see {@link PrefixIndex#learn}); the
     *                      gateway passes a {@link io.infergate.scheduler.prefix.BackgroundLearner} so that they
     *                      stay off the event loops
     */
    public PoolPickers(
            Datastore datastore,
            InFlightTracker inFlight,
            SchedulingOptions options,
            LongSupplier nanoTime,
            Supplier<RandomGenerator> random,
            Executor prefixLearner) {
        this.prefixLearner = Objects.requireNonNull(prefixLearner, "prefixLearner");
        this.datastore = Objects.requireNonNull(datastore, "datastore");
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.options = Objects.requireNonNull(options, "options");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The pool's picker. */
    public EndpointPicker picker(PoolRuntime pool) {
        Entry e = entries.get(pool.id());
        if (e != null && e.builtFrom(pool, profileOf(pool))) {
            return e.scheduler();
        }
        return build(pool).scheduler();
    }

    /** The pool's scheduler as last built, or null (for the admin API). */
    public Scheduler scheduler(PoolId pool) {
        Entry e = entries.get(pool);
        return e == null ? null : e.scheduler();
    }

    /** The pool's prefix index, or null (for metrics and the admin API). */
    public PrefixIndex prefixIndex(PoolId pool) {
        return indexes.get(pool);
    }

    /** Builds schedulers for new or changed pools, drops removed ones, publishes endpoints to the datastore. */
    public synchronized void update(GatewayConfig config) {
        Set<PoolId> keep = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (PoolRuntime pool : config.pools()) {
            keep.add(pool.id());
            datastore.publish(pool.snapshot(), pool.scheduling().metricsExtractor());
            pool.snapshot().endpoints().forEach(e -> addresses.add(e.hostPort()));
            Entry e = entries.get(pool.id());
            if (e == null || !e.builtFrom(pool, profileOf(pool))) {
                build(pool);
            }
        }
        entries.keySet().retainAll(keep);
        indexes.keySet().retainAll(keep);
        indexes.values().forEach(i -> i.retainOnly(addresses));
        datastore.retainPools(List.copyOf(keep));
    }

    private String profileOf(PoolRuntime pool) {
        return pool.schedulingProfile().isEmpty() ? options.defaultProfile() : pool.schedulingProfile();
    }

    private synchronized Entry build(PoolRuntime pool) {
        String profile = profileOf(pool);
        Entry existing = entries.get(pool.id());
        if (existing != null && existing.builtFrom(pool, profile)) {
            return existing;
        }
        PrefixIndex index = indexes.computeIfAbsent(pool.id(), id -> new PrefixIndex(prefixLearner));
        Scheduler s;
        if (pool.pickerConfig().isPresent()) {
            // built without errors when the configuration was compiled; the same again around the pool's index
            SchedulerSetup setup = pool.pickerConfig().get().build(index, GatewayConfig.SETUP_OPTIONS);
            s = setup.scheduler(datastore, inFlight, nanoTime, random, pool.flowControl());
        } else {
            PrefixHasher hasher = PrefixHasher.defaults();
            // with flow control, sheddable requests wait in the queue instead of being dropped (GIE)
            s = new Scheduler(
                    datastore,
                    inFlight,
                    BuiltInProfiles.named(profile, index, hasher),
                    pool.flowControl()
                            ? null
                            : new UtilizationSaturationDetector(
                                    pool.scheduling().saturationDetector()),
                    hasher,
                    nanoTime,
                    random);
        }
        Entry e = new Entry(profile, configOf(pool), pool.flowControl(), s);
        entries.put(pool.id(), e);
        return e;
    }
}
