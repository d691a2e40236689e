package io.infergate.simulator.fault;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * A replica's fault switchboard: holds the current {@link FaultConfig} (replaceable at runtime) and draws
 * per-request decisions from one seeded generator, so a run with the same seed and the same request order
 * injects the same faults.
 *
 * <p>Threading: safe from any thread. {@link #config()} and {@link #set} are lock-free; draws take a short
 * lock on the generator (event loops call them once per request, never while blocking). Bad input:
 * {@link #set} rejects null; the config itself was validated when it was built.
 */
public final class FaultInjector {

    private final AtomicReference<FaultConfig> config;
    private final RandomGenerator random;

    public FaultInjector(FaultConfig initial, long seed) {
        this.config = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
        this.random = new SplittableRandom(seed);
    }

    public FaultConfig config() {
        return config.get();
    }

    /** Replaces the configuration; requests already admitted keep the decisions drawn for them. */
    public void set(FaultConfig next) {
        config.set(Objects.requireNonNull(next, "next"));
    }

    /** Draws the faults of one inference request. */
    public RequestFaults decide() {
        FaultConfig c = config.get();
        if (c.errorRate() == 0 && c.addedLatencyMs() == 0 && c.crashAfterChunks() < 0) {
            return RequestFaults.NONE;
        }
        int status = 0;
        boolean crash;
        synchronized (random) {
            if (c.errorRate() > 0 && random.nextDouble() < c.errorRate()) {
                status = c.errorStatuses().get(random.nextInt(c.errorStatuses().size()));
            }
            crash = c.crashAfterChunks() >= 0 && (c.crashRate() >= 1 || random.nextDouble() < c.crashRate());
        }
        int retryAfter = status == 429 || status == 503 ? c.retryAfterSeconds() : 0;
        return new RequestFaults(
                status,
                retryAfter,
                TimeUnit.MILLISECONDS.toNanos(c.addedLatencyMs()),
                crash ? c.crashAfterChunks() : -1);
    }

    /** Garbles metrics text with this injector's generator (see {@link MetricsGarbler}). */
    public String garble(String metricsText) {
        synchronized (random) {
            return MetricsGarbler.garble(metricsText, random);
        }
    }
}
