package io.infergate.bench.results;

/**
 * The service-level objective that goodput counts against (inference-perf's goodput constraints): a completed
 * request is good when its TTFT and its TPOT are both within bounds. Immutable.
 *
 * @param ttftMillis bound on time to first token, > 0
 * @param tpotMillis bound on time per output token, > 0
 */
public record Slo(double ttftMillis, double tpotMillis) {

    /** 2 s to first token, 100 ms per output token: what an interactive chat user tolerates. */
    public static final Slo INTERACTIVE = new Slo(2_000, 100);

    public Slo {
        if (!(ttftMillis > 0) || !(tpotMillis > 0)) {
            throw new IllegalArgumentException(
                    "SLO ttft " + ttftMillis + " ms, tpot " + tpotMillis + " ms (expected: both > 0)");
        }
    }

    /** Whether the record completed within both bounds (a one-token answer has no TPOT and meets that bound). */
    public boolean met(RequestRecord r) {
        if (r.status() != RequestRecord.Status.OK || r.ttftNanos() > ttftMillis * 1e6) {
            return false;
        }
        double tpot = r.tpotNanos();
        return Double.isNaN(tpot) || tpot <= tpotMillis * 1e6;
    }
}
