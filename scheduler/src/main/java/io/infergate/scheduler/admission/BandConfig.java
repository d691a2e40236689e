package io.infergate.scheduler.admission;

import java.util.Objects;

/**
 * Limits and fairness of one priority band (GIE's {@code PriorityBandConfig}). A limit of 0 means unlimited.
 * Immutable.
 *
 * @param maxRequests most requests queued in the band at once, >= 0 (default 0: unlimited)
 * @param maxBytes    most request bytes queued in the band at once, >= 0 (default 1,000,000,000)
 * @param fairness    how flows of the band share dispatches (default {@link FairnessPolicy#GLOBAL_STRICT})
 */
public record BandConfig(long maxRequests, long maxBytes, FairnessPolicy fairness) {

    public static final long DEFAULT_MAX_BYTES = 1_000_000_000L;
    public static final BandConfig DEFAULT = new BandConfig(0, DEFAULT_MAX_BYTES, FairnessPolicy.GLOBAL_STRICT);

    public BandConfig {
        if (maxRequests < 0) {
            throw new IllegalArgumentException("maxRequests: " + maxRequests + " (expected: >= 0, 0 = unlimited)");
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0, 0 = unlimited)");
        }
        Objects.requireNonNull(fairness, "fairness");
    }

    public BandConfig withMaxRequests(long maxRequests) {
        return new BandConfig(maxRequests, maxBytes, fairness);
    }

    public BandConfig withMaxBytes(long maxBytes) {
        return new BandConfig(maxRequests, maxBytes, fairness);
    }

    public BandConfig withFairness(FairnessPolicy fairness) {
        return new BandConfig(maxRequests, maxBytes, fairness);
    }
}
