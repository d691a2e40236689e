package io.infergate.bench.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.bench.results.RequestRecord;
import io.infergate.bench.results.Slo;
import io.infergate.bench.results.SweepReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LabSweepTest {

    static LabSweep sweep(Map<String, Function<LabEnvironment, LabPolicy>> policies, int threads) {
        return new LabSweep(
                PolicyLabTest.SMALL,
                policies,
                List.of(10.0, 30.0),
                List.of(1L, 2L),
                Duration.ofSeconds(6),
                Duration.ofSeconds(1),
                1.0,
                Slo.INTERACTIVE,
                LabSettings.defaults().withReplicas(3),
                threads);
    }

    static Map<String, Function<LabEnvironment, LabPolicy>> all() {
        Map<String, Function<LabEnvironment, LabPolicy>> m = new LinkedHashMap<>();
        for (String name : LabPolicies.NAMES) {
            m.put(name, LabPolicies.named(name));
        }
        return m;
    }

    @Test
    void everyPolicyRunsAndTheReportDoesNotDependOnTheThreadCount() {
        SweepReport one = sweep(all(), 1).run(p -> {});
        SweepReport two = sweep(all(), 2).run(p -> {});

        assertThat(one.points()).hasSize(LabPolicies.NAMES.size() * 2 * 2);
        assertThat(one.points()).isEqualTo(two.points());
        assertThat(one.points()).allSatisfy(p -> {
            assertThat(p.summary().completed())
                    .as(p.policy())
                    .isEqualTo(p.summary().sent());
            assertThat(p.summary().ttftP50()).as(p.policy()).isPositive();
        });
    }

    @Test
    void eachRunHearsProgressInReportOrderWithItsRecords() {
        List<String> order = new ArrayList<>();
        sweep(Map.of("round-robin", LabPolicies.named("round-robin")), 2).run(p -> {
            order.add(p.rate() + "/" + p.seed());
            assertThat(p.result().records())
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(RequestRecord.Status.OK));
        });

        assertThat(order).containsExactly("10.0/1", "10.0/2", "30.0/1", "30.0/2");
    }

    @Test
    void badSweepsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new LabSweep(
                        PolicyLabTest.SMALL,
                        all(),
                        List.of(-1.0),
                        List.of(1L),
                        Duration.ofSeconds(5),
                        Duration.ZERO,
                        1.0,
                        Slo.INTERACTIVE,
                        LabSettings.defaults(),
                        1))
                .hasMessageContaining("rate: -1.0");
        assertThatThrownBy(() -> new LabSweep(
                        PolicyLabTest.SMALL,
                        all(),
                        List.of(1.0),
                        List.of(1L),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5),
                        1.0,
                        Slo.INTERACTIVE,
                        LabSettings.defaults(),
                        1))
                .hasMessageContaining("warm-up");
        assertThatThrownBy(() -> LabPolicies.named("nginx")).hasMessageContaining("round-robin, random");
    }
}
