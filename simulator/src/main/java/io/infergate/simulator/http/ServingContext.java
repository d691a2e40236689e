package io.infergate.simulator.http;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.fault.FaultInjector;
import io.infergate.simulator.runtime.RealtimeEngineRunner;
import io.infergate.simulator.time.SimClock;
import java.util.Objects;

/**
 * Everything the HTTP endpoints of one replica share: its engine runner, what it serves, its faults, its
 * metrics and its id source. Created once per replica and shared by all its connections.
 *
 * <p>Threading: immutable; every part is safe from any thread.
 */
public final class ServingContext {

    private final RealtimeEngineRunner runner;
    private final ServedModels models;
    private final FaultInjector faults;
    private final MetricsSource metrics;
    private final RequestIds ids;
    private final RequestIds auxIds;
    private final HttpServerConfig config;

    public ServingContext(
            RealtimeEngineRunner runner,
            ServedModels models,
            FaultInjector faults,
            MetricsSource metrics,
            long seed,
            HttpServerConfig config) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.models = Objects.requireNonNull(models, "models");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.ids = new RequestIds(seed);
        this.auxIds = new RequestIds(~seed);
        this.config = Objects.requireNonNull(config, "config");
    }

    public RealtimeEngineRunner runner() {
        return runner;
    }

    public Engine engine() {
        return runner.engine();
    }

    public SimClock clock() {
        return runner.engine().clock();
    }

    public ServedModels models() {
        return models;
    }

    public FaultInjector faults() {
        return faults;
    }

    public MetricsSource metrics() {
        return metrics;
    }

    public RequestIds ids() {
        return ids;
    }

    /**
     * Ids for things that are not requests (model permissions), drawn from a stream of their own so that
     * listing models does not change the ids and output lengths of later requests.
     */
    public RequestIds auxIds() {
        return auxIds;
    }

    public HttpServerConfig config() {
        return config;
    }

    /** Unix seconds now, for {@code created} fields. */
    public long nowUnixSeconds() {
        SimClock c = clock();
        return (long) c.unixSeconds(c.nanoTime());
    }
}
