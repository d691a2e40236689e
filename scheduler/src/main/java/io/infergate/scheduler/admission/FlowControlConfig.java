package io.infergate.scheduler.admission;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of one pool's {@link FlowController}, with GIE's defaults ({@link #DEFAULT}; v1.5.0
 * {@code pkg/epp/flowcontrol/{registry,controller}/config.go}). A limit of 0 means unlimited. Immutable.
 *
 * @param maxRequests         most requests queued across all bands, >= 0 (default 0: unlimited)
 * @param maxBytes            most request bytes queued across all bands, >= 0 (default 0: unlimited)
 * @param requestTtl          longest a request may wait before it expires with 503, >= 0 (default 0: wait until
 *                            the client cancels)
 * @param expirySweepInterval how often the owner should call {@link FlowController#sweepExpired}, > 0 (default 1 s)
 * @param defaultBand         the template for bands not listed in {@code bands}, created on demand
 * @param bands               explicitly configured bands by priority
 * @param criticalReserve     what is held back for Critical requests while they arrive (ours, not GIE's; default
 *                            {@link CriticalReserve#DEFAULT}); the gateway sets it from its flags for every pool
 */
public record FlowControlConfig(
        long maxRequests,
        long maxBytes,
        Duration requestTtl,
        Duration expirySweepInterval,
        BandConfig defaultBand,
        Map<Integer, BandConfig> bands,
        CriticalReserve criticalReserve) {

    public static final FlowControlConfig DEFAULT = new FlowControlConfig(
            0, 0, Duration.ZERO, Duration.ofSeconds(1), BandConfig.DEFAULT, Map.of(), CriticalReserve.DEFAULT);

    public FlowControlConfig {
        if (maxRequests < 0) {
            throw new IllegalArgumentException("maxRequests: " + maxRequests + " (expected: >= 0, 0 = unlimited)");
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0, 0 = unlimited)");
        }
        Objects.requireNonNull(requestTtl, "requestTtl");
        if (requestTtl.isNegative()) {
            throw new IllegalArgumentException("requestTtl: " + requestTtl + " (expected: >= 0, 0 = no TTL)");
        }
        Objects.requireNonNull(expirySweepInterval, "expirySweepInterval");
        if (expirySweepInterval.isNegative() || expirySweepInterval.isZero()) {
            throw new IllegalArgumentException("expirySweepInterval: " + expirySweepInterval + " (expected: > 0)");
        }
        Objects.requireNonNull(defaultBand, "defaultBand");
        bands = Map.copyOf(bands);
        Objects.requireNonNull(criticalReserve, "criticalReserve");
    }

    /** The configuration of the band for {@code priority}: its own entry, else {@link #defaultBand}. */
    public BandConfig band(int priority) {
        BandConfig b = bands.get(priority);
        return b != null ? b : defaultBand;
    }

    public FlowControlConfig withMaxRequests(long maxRequests) {
        return new FlowControlConfig(
                maxRequests, maxBytes, requestTtl, expirySweepInterval, defaultBand, bands, criticalReserve);
    }

    public FlowControlConfig withMaxBytes(long maxBytes) {
        return new FlowControlConfig(
                maxRequests, maxBytes, requestTtl, expirySweepInterval, defaultBand, bands, criticalReserve);
    }

    public FlowControlConfig withRequestTtl(Duration requestTtl) {
        return new FlowControlConfig(
                maxRequests, maxBytes, requestTtl, expirySweepInterval, defaultBand, bands, criticalReserve);
    }

    public FlowControlConfig withExpirySweepInterval(Duration interval) {
        return new FlowControlConfig(maxRequests, maxBytes, requestTtl, interval, defaultBand, bands, criticalReserve);
    }

    public FlowControlConfig withDefaultBand(BandConfig defaultBand) {
        return new FlowControlConfig(
                maxRequests, maxBytes, requestTtl, expirySweepInterval, defaultBand, bands, criticalReserve);
    }

    public FlowControlConfig withCriticalReserve(CriticalReserve criticalReserve) {
        return new FlowControlConfig(
                maxRequests, maxBytes, requestTtl, expirySweepInterval, defaultBand, bands, criticalReserve);
    }

    /** This configuration with {@code priority}'s band configured as {@code band} (replacing any earlier entry). */
    public FlowControlConfig withBand(int priority, BandConfig band) {
        Map<Integer, BandConfig> m = new HashMap<>(bands);
        m.put(priority, Objects.requireNonNull(band, "band"));
        return new FlowControlConfig(
                maxRequests, maxBytes, requestTtl, expirySweepInterval, defaultBand, m, criticalReserve);
    }
}
