package io.infergate.bench.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.bench.workload.WorkloadRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-priority overload scenario of issue 16 in virtual time: 2 replicas, the {@code priority} workload (20 %
 * Critical, 50 % Standard, 30 % Sheddable), capacity found with flow control off, then twice that rate with flow
 * control on and off. Deterministic: the figures below are those of seed 1 (docs/reliability.md, "Overload", has
 * held-out seeds). Before the Critical reserve, Critical's p90 was about 5.6x its unloaded one (174 ms against 31).
 */
class OverloadScenarioTest {

    private static final int CRITICAL = WorkloadRequest.CRITICAL;
    private static final int STANDARD = WorkloadRequest.STANDARD;
    private static final int SHEDDABLE = WorkloadRequest.SHEDDABLE;

    @Test
    void atTwiceCapacityFlowControlServesCriticalFirstStandardNextAndLeavesNothingUnanswered() {
        OverloadScenario s = new OverloadScenario(LabSettings.defaults().withReplicas(2), Duration.ofSeconds(15));
        double capacity = s.capacity(List.of(150.0, 200.0, 250.0), 1);
        assertThat(capacity).isEqualTo(200.0);

        OverloadScenario.Run unloaded = s.run(capacity / 10, 1, true);
        OverloadScenario.Run on = s.run(2 * capacity, 1, true);
        OverloadScenario.Run off = s.run(2 * capacity, 1, false);

        double criticalUnloaded = unloaded.priority(CRITICAL).summary().ttftP90();
        var critical = on.priority(CRITICAL).summary();
        assertThat(on.unanswered()).isZero();
        assertThat(off.unanswered()).isZero();
        // Critical: every request served within the SLO, at a TTFT p90 within 1.5x of its unloaded one (the
        // reserve: lower priorities held to 2 prompts in prefill per endpoint while Critical requests arrive)
        assertThat(critical.completed()).isEqualTo(critical.sent());
        assertThat(critical.goodputFraction()).isEqualTo(1.0);
        assertThat(critical.ttftP90()).isLessThan(1.5 * criticalUnloaded);
        // strict priority: Standard ahead of Sheddable
        assertThat(on.priority(STANDARD).summary().ttftP90())
                .isLessThan(on.priority(SHEDDABLE).summary().ttftP90());
        assertThat(on.priority(STANDARD).summary().ttftP50())
                .isLessThan(on.priority(SHEDDABLE).summary().ttftP50());
        // on beats off for Critical; Standard pays for it (docs/reliability.md, "Overload")
        assertThat(critical.ttftP90())
                .isLessThan(off.priority(CRITICAL).summary().ttftP90() / 10);
        assertThat(critical.goodputFraction())
                .isGreaterThanOrEqualTo(off.priority(CRITICAL).summary().goodputFraction());
        // without flow control only Sheddable requests are shed (429), and with it they wait instead
        assertThat(off.priority(SHEDDABLE).shed429()).isPositive();
        assertThat(off.priority(CRITICAL).shed429() + off.priority(STANDARD).shed429())
                .isZero();
    }
}
