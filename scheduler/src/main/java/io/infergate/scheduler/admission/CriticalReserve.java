package io.infergate.scheduler.admission;

import java.time.Duration;

/**
 * What flow control holds back for requests of a positive priority (Critical) while such requests are arriving:
 * requests of priority 0 and below (Standard, Sheddable) are released to an endpoint only while our requests on it
 * stay below its learned batch capacity less {@link #slots(int) a share of it}, and while fewer than
 * {@link #prefills()} of our requests on it are still being prefilled; positive priorities may use the rest, up to
 * the detector's {@code queueDepthThreshold} waiting. A Critical request released first then finds a free slot in
 * the running batch and a short engine step instead of a queue (see {@link ReservingHeadroom}). The reserve is held
 * only for {@link #HOLD} after the last Critical request asked for capacity, so a pool without Critical traffic
 * keeps its whole throughput. Immutable.
 *
 * @param share    the reserve as a share of an endpoint's batch capacity, in [0, 1); at least one slot when positive
 *                 (0: no reserved batch slots)
 * @param prefills our prompts in prefill on an endpoint at most for a lower-priority release, >= 0 (0: no limit)
 */
public record CriticalReserve(double share, int prefills) {

    /** How long after the last Critical request the reserve is still held. */
    public static final Duration HOLD = Duration.ofSeconds(10);

    /** A tenth of the batch and 2 prefills: measured in the policy lab (docs/reliability.md, "Overload"). */
    public static final CriticalReserve DEFAULT = new CriticalReserve(0.1, 2);

    /** Nothing held back: GIE's behaviour, every priority released by the detector's thresholds. */
    public static final CriticalReserve NONE = new CriticalReserve(0, 0);

    public CriticalReserve {
        if (!(share >= 0 && share < 1)) {
            throw new IllegalArgumentException("critical reserve: " + share + " (expected: a share in [0, 1))");
        }
        if (prefills < 0) {
            throw new IllegalArgumentException("reserve prefills: " + prefills + " (expected: >= 0, 0 = no limit)");
        }
    }

    /** Whether anything is held back at all. */
    public boolean enabled() {
        return share > 0 || prefills > 0;
    }

    /** Slots of a batch of {@code batchCapacity} kept for positive priorities: at least 1 when the share is > 0. */
    public int slots(int batchCapacity) {
        return share > 0 ? Math.max(1, (int) Math.ceil(batchCapacity * share)) : 0;
    }

    /** Whether requests of {@code priority} may use the reserve (GIE: Standard is 0, Sheddable below). */
    public static boolean mayUseReserve(int priority) {
        return priority > 0;
    }
}
