package io.infergate.scheduler.model;

import io.infergate.api.model.InferenceModel.Criticality;

/**
 * Request priorities as GIE v1 defines them: an integer, higher is more important, unset means
 * {@link #DEFAULT} (0), and <b>negative means sheddable</b> (admission may drop the request with 429 when the
 * pool is saturated).
 *
 * <p>The legacy InferenceModel criticality maps onto that scale as {@code Critical -> 1}, {@code Standard -> 0},
 * {@code Sheddable -> -1}. GIE itself never published a numeric mapping (InferenceObjective replaced
 * criticality outright); this one keeps the order and the v1 shedding rule: only {@code Sheddable} becomes
 * negative. Note that v0.5.1 also shed {@code Standard} requests under saturation; under the v1 rule
 * they are not shed.
 *
 * <p>Stateless; all methods are pure.
 */
public final class Priorities {

    /** The priority of a request that no InferenceObjective or InferenceModel speaks for. */
    public static final int DEFAULT = 0;

    public static final int CRITICAL = 1;
    public static final int STANDARD = 0;
    public static final int SHEDDABLE = -1;

    private Priorities() {}

    public static int of(Criticality criticality) {
        return switch (criticality) {
            case CRITICAL -> CRITICAL;
            case STANDARD -> STANDARD;
            case SHEDDABLE -> SHEDDABLE;
        };
    }

    /** GIE's {@code IsSheddable}: {@code priority < 0}. */
    public static boolean isSheddable(int priority) {
        return priority < 0;
    }
}
