package io.infergate.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.results.SweepReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedMeansTest {

    @Test
    void averagesMetricsSumsCountsAndKeepsTheTtftRange() {
        SweepReport r = new SweepReport(
                "w",
                "",
                Map.of(),
                List.of(
                        new SweepReport.Point("a", 2, 1, Fixtures.summary(100, 10, 5, 100, 1000)),
                        new SweepReport.Point("a", 2, 2, Fixtures.summary(200, 20, 0, 300, 2000)),
                        new SweepReport.Point("a", 2, 3, Fixtures.summary(50, 0, 1, 200, 3000))));

        List<SeedMeans> ms = SeedMeans.of(r);

        assertThat(ms).hasSize(1);
        SeedMeans m = ms.getFirst();
        assertThat(m.policy()).isEqualTo("a");
        assertThat(m.rate()).isEqualTo(2);
        assertThat(m.seeds()).containsExactly(1L, 2L, 3L);
        RunSummary s = m.mean();
        assertThat(s.sent()).isEqualTo(350);
        assertThat(s.completed()).isEqualTo(85 + 180 + 49);
        assertThat(s.shed()).isEqualTo(30);
        assertThat(s.failed()).isEqualTo(6);
        assertThat(s.ttftP90()).isEqualTo(200);
        assertThat(s.ttftP50()).isEqualTo(100);
        assertThat(s.e2eP99()).isCloseTo(2000, within(1e-9));
        assertThat(s.outputTokensPerSec()).isEqualTo(2000);
        assertThat(s.requestsPerSec()).isCloseTo((85 + 180 + 49) / 60.0 / 3, within(1e-12));
        assertThat(s.goodputFraction()).isCloseTo((85 / 200.0 + 180 / 400.0 + 49 / 100.0) / 3, within(1e-12));
        assertThat(s.windowSeconds()).isEqualTo(60);
        assertThat(s.slo()).isEqualTo(Slo.INTERACTIVE);
        assertThat(m.ttftP90Min()).isEqualTo(100);
        assertThat(m.ttftP90Max()).isEqualTo(300);
    }

    @Test
    void leavesNaNOutOfTheMean() {
        RunSummary nothing = RunSummary.of(List.of(), Slo.INTERACTIVE);
        SeedMeans m = SeedMeans.of(List.of(
                new SweepReport.Point("a", 4, 1, nothing),
                new SweepReport.Point("a", 4, 2, Fixtures.summary(10, 0, 0, 500, 100))));
        assertThat(m.mean().ttftP90()).isEqualTo(500);
        assertThat(m.mean().outputTokensPerSec()).isEqualTo(50); // a real 0, averaged in
        assertThat(m.ttftP90Min()).isEqualTo(500);
        assertThat(m.ttftP90Max()).isEqualTo(500);

        SeedMeans none = SeedMeans.of(List.of(new SweepReport.Point("a", 4, 1, nothing)));
        assertThat(none.mean().ttftP90()).isNaN();
        assertThat(none.ttftP90Min()).isNaN();
        assertThat(none.mean().prefixHitRate()).isNaN();
    }

    @Test
    void ordersByRateThenByFirstAppearance() {
        SweepReport r = new SweepReport(
                "w",
                "",
                Map.of(),
                List.of(
                        Fixtures.point("z", 8, 1, 1, 1),
                        Fixtures.point("b", 2, 1, 1, 1),
                        Fixtures.point("z", 2, 1, 1, 1),
                        Fixtures.point("a", 8, 1, 1, 1),
                        Fixtures.point("z", 2, 2, 3, 1),
                        Fixtures.point("a", 0.5, 1, 1, 1)));
        assertThat(SeedMeans.of(r))
                .extracting(m -> m.policy() + "@" + m.rate() + "x" + m.seeds().size())
                .containsExactly("a@0.5x1", "z@2.0x2", "b@2.0x1", "z@8.0x1", "a@8.0x1");
    }

    @Test
    void refusesToAverageDifferentSlosOrGroups() {
        RunSummary strict = RunSummary.of(List.of(), new Slo(500, 50));
        RunSummary loose = RunSummary.of(List.of(), Slo.INTERACTIVE);
        assertThatThrownBy(() -> SeedMeans.of(new SweepReport(
                        "w",
                        "",
                        Map.of(),
                        List.of(new SweepReport.Point("a", 1, 1, strict), new SweepReport.Point("a", 1, 2, loose)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seed 2 has SLO");
        assertThatThrownBy(
                        () -> SeedMeans.of(List.of(Fixtures.point("a", 1, 1, 1, 1), Fixtures.point("b", 1, 1, 1, 1))))
                .hasMessageContaining("expected: one policy and rate");
        assertThatThrownBy(() -> SeedMeans.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
