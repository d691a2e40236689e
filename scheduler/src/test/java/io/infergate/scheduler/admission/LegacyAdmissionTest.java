package io.infergate.scheduler.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.model.Priorities;
import java.util.List;
import org.junit.jupiter.api.Test;

class LegacyAdmissionTest {

    private static final List<EndpointSignals> SATURATED = List.of(EndpointSignals.of(0, 5, 0.9));
    private static final List<EndpointSignals> IDLE = List.of(EndpointSignals.of(0, 0, 0.1));

    private final LegacyAdmission admission = new LegacyAdmission(UtilizationSaturationDetector.withDefaults());

    @Test
    void shedsSheddableRequestsOnlyWhileSaturated() {
        Outcome shed = admission.admit(Priorities.SHEDDABLE, SATURATED);
        assertThat(shed).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.httpStatus()).isEqualTo(429);
            assertThat(r.reason()).isEqualTo(RejectReason.SATURATED);
            assertThat(r.message()).isEqualTo("system saturated, sheddable request dropped");
            assertThat(r.gieOutcome()).isEqualTo("RejectedCapacity");
        });
        assertThat(admission.admit(-100, List.of())).isInstanceOf(Outcome.Rejected.class); // no candidates: saturated
        assertThat(admission.admit(Integer.MIN_VALUE, SATURATED)).isInstanceOf(Outcome.Rejected.class);
        assertThat(admission.admit(Priorities.SHEDDABLE, IDLE)).isSameAs(Outcome.DISPATCHED_IMMEDIATELY);
    }

    @Test
    void neverShedsStandardOrCritical() {
        for (int priority : new int[] {Priorities.STANDARD, Priorities.CRITICAL, 7, Integer.MAX_VALUE}) {
            assertThat(admission.admit(priority, SATURATED)).as("priority %d", priority)
                    .isSameAs(Outcome.DISPATCHED_IMMEDIATELY);
            assertThat(admission.admit(priority, List.of())).isSameAs(Outcome.DISPATCHED_IMMEDIATELY);
        }
    }
}
