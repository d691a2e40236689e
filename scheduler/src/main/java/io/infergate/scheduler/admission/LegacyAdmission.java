package io.infergate.scheduler.admission;

import io.infergate.scheduler.model.Priorities;
import java.util.List;
import java.util.Objects;

/**
 * GIE's default admission when flow control is off ({@code LegacyAdmissionController}, v1.5.0
 * {@code pkg/epp/requestcontrol/admission.go}): a sheddable request ({@code priority < 0}) is rejected with 429
 * "system saturated, sheddable request dropped" when the detector finds the request's candidates saturated
 * ({@code saturation >= 1.0}); every other request is admitted without looking at load. Priorities 0 (Standard)
 * and above (Critical = 1) are therefore never shed. Saturation is computed only for sheddable requests.
 *
 * <p>Stateless and thread-safe; never blocks; safe on event loops. Decisions are {@link Outcome}s so the data plane
 * maps them in the same place as flow-control outcomes.
 */
public final class LegacyAdmission {

    static final String SHED_MESSAGE = "system saturated, sheddable request dropped";
    private static final Outcome.Rejected SHED = new Outcome.Rejected(RejectReason.SATURATED, SHED_MESSAGE, 0);

    private final UtilizationSaturationDetector detector;

    public LegacyAdmission(UtilizationSaturationDetector detector) {
        this.detector = Objects.requireNonNull(detector, "detector");
    }

    /**
     * Admits or sheds one request.
     *
     * @param priority   the resolved priority; negative is sheddable
     * @param candidates the signals of the request's candidate endpoints (after the subset hint, as in GIE); an empty
     *                   list counts as saturated
     * @return {@link Outcome#DISPATCHED_IMMEDIATELY} to proceed, or a 429 {@link Outcome.Rejected} with reason
     *         {@link RejectReason#SATURATED}
     */
    public Outcome admit(int priority, List<EndpointSignals> candidates) {
        if (Priorities.isSheddable(priority) && detector.isSaturated(candidates)) {
            return SHED;
        }
        return Outcome.DISPATCHED_IMMEDIATELY;
    }
}
