package io.infergate.bench.lab;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.Preset;
import java.time.Duration;
import java.util.Objects;

/**
 * How the lab models the fleet and the network around the router. Immutable.
 *
 * @param engine         every replica's engine (a {@link Preset}'s config: vLLM V1 timing on one GPU)
 * @param replicas       simulated model servers in the pool, {@code >= 1}
 * @param scrapeInterval how often the router scrapes each server's {@code /metrics} (GIE's default: 50 ms)
 * @param scrapeDelay    from a scrape's request to its answer being stored: rendering, network and parsing. The
 *                       page shows the server as it was when the request reached it
 * @param networkDelay   one way, client to router and router to server alike (so a token reaches the client two
 *                       delays after the server sampled it)
 * @param drainLimit     how long after the last arrival requests may still run; then they are aborted and counted
 *                       failed (a policy that lets a backlog grow past any client's patience cannot hide it)
 * @param seed           seeds the engines and the policies (the workload has its own seed)
 * @param flowControl    requests wait in the gateway's flow-control queue ({@code serve}'s defaults: GIE's priority
 *                       bands, fairness, FCFS, a 30 s TTL; per-endpoint headroom over the scraped and in-flight
 *                       load) until the pool has
 *                       capacity, for every policy; the scheduler-backed policies then queue sheddable requests
 *                       instead of dropping them, as the gateway does with flow control on
 * @param models         the InferenceModels, InferenceObjectives and InferenceModelRewrites of the lab's pool,
 *                       resolved as the gateway resolves them ({@link LabModels#none()} by default)
 */
public record LabSettings(
        EngineConfig engine,
        int replicas,
        Duration scrapeInterval,
        Duration scrapeDelay,
        Duration networkDelay,
        Duration drainLimit,
        long seed,
        boolean flowControl,
        LabModels models) {

    /** Without manifests: every model resolves to itself. */
    public LabSettings(
            EngineConfig engine,
            int replicas,
            Duration scrapeInterval,
            Duration scrapeDelay,
            Duration networkDelay,
            Duration drainLimit,
            long seed,
            boolean flowControl) {
        this(
                engine,
                replicas,
                scrapeInterval,
                scrapeDelay,
                networkDelay,
                drainLimit,
                seed,
                flowControl,
                LabModels.none());
    }

    /** Without flow control (the gateway's default). */
    public LabSettings(
            EngineConfig engine,
            int replicas,
            Duration scrapeInterval,
            Duration scrapeDelay,
            Duration networkDelay,
            Duration drainLimit,
            long seed) {
        this(engine, replicas, scrapeInterval, scrapeDelay, networkDelay, drainLimit, seed, false);
    }

    /** 8 Llama-3.1-8B H100 replicas, 50 ms scrapes answered in 2 ms, 250 µs one-way network, 5 minutes of drain. */
    public static LabSettings defaults() {
        return new LabSettings(
                Preset.DEFAULT.config(),
                8,
                Duration.ofMillis(50),
                Duration.ofMillis(2),
                Duration.ofNanos(250_000),
                Duration.ofMinutes(5),
                1);
    }

    public LabSettings {
        Objects.requireNonNull(engine, "engine");
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas: " + replicas + " (expected: >= 1)");
        }
        positive("scrapeInterval", scrapeInterval);
        Objects.requireNonNull(scrapeDelay, "scrapeDelay");
        if (scrapeDelay.isNegative() || scrapeDelay.compareTo(scrapeInterval) >= 0) {
            throw new IllegalArgumentException("scrapeDelay: " + scrapeDelay + " (expected: >= 0 and shorter than the"
                    + " scrape interval " + scrapeInterval + ")");
        }
        Objects.requireNonNull(networkDelay, "networkDelay");
        if (networkDelay.isNegative()) {
            throw new IllegalArgumentException("networkDelay: " + networkDelay + " (expected: >= 0)");
        }
        positive("drainLimit", drainLimit);
        Objects.requireNonNull(models, "models");
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }

    public LabSettings withReplicas(int n) {
        return new LabSettings(
                engine, n, scrapeInterval, scrapeDelay, networkDelay, drainLimit, seed, flowControl, models);
    }

    public LabSettings withSeed(long s) {
        return new LabSettings(
                engine, replicas, scrapeInterval, scrapeDelay, networkDelay, drainLimit, s, flowControl, models);
    }

    public LabSettings withEngine(EngineConfig e) {
        return new LabSettings(
                e, replicas, scrapeInterval, scrapeDelay, networkDelay, drainLimit, seed, flowControl, models);
    }

    public LabSettings withFlowControl(boolean on) {
        return new LabSettings(
                engine, replicas, scrapeInterval, scrapeDelay, networkDelay, drainLimit, seed, on, models);
    }

    public LabSettings withModels(LabModels m) {
        return new LabSettings(
                engine, replicas, scrapeInterval, scrapeDelay, networkDelay, drainLimit, seed, flowControl, m);
    }
}
