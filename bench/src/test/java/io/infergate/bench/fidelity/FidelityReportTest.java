package io.infergate.bench.fidelity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.simulator.engine.Preset;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published data, the knee rule, the report's arithmetic and the replay's determinism (virtual time). */
class FidelityReportTest {

    @Test
    void thePublishedKneesAre170And112Qps() {
        assertThat(PublishedRun.A.stages().get(PublishedRun.A.kneeStage()).offeredQps())
                .isEqualTo(169.99);
        assertThat(PublishedRun.B.stages().get(PublishedRun.B.kneeStage()).offeredQps())
                .isEqualTo(111.92);
        assertThat(PublishedRun.A.stages().stream().filter(PublishedStage::saturated))
                .hasSize(2);
        assertThat(PublishedRun.B.stages().stream().filter(PublishedStage::saturated))
                .hasSize(3);
    }

    @Test
    void aReplayThatRepeatsThePublishedNumbersMeetsEveryTarget() {
        List<StageResult> same = PublishedRun.B.stages().stream()
                .map(p -> new StageResult(
                        p.offeredQps(), (int) Math.round(p.requestsPerSec() * 60), p.ttftMeanMs(), p.e2eMeanMs(), 60))
                .toList();
        FidelityReport report = new FidelityReport(PublishedRun.B, same);
        assertThat(report.meetsTargets()).isTrue();
        assertThat(report.simulatedKneeStage()).isEqualTo(PublishedRun.B.kneeStage());
        assertThat(report.markdown())
                .contains("| 111.9 (knee) | 24.63 / 24.63 (+0 %)")
                .contains("knee (TTFT mean > 3x the 1-QPS TTFT): published 111.9 QPS, simulated 111.9 QPS: same");
    }

    @Test
    void aReplayWithoutAKneeFailsTheKneeCheck() {
        List<StageResult> flat = PublishedRun.A.stages().stream()
                .map(p -> new StageResult(p.offeredQps(), 100, 30, 500, 1))
                .toList();
        FidelityReport report = new FidelityReport(PublishedRun.A, flat);
        assertThat(report.kneeMatches()).isFalse();
        assertThat(report.markdown()).contains("simulated none: different");
    }

    @Test
    void theReplayIsDeterministicAndCountsEveryRequest() {
        Duration stage = Duration.ofMillis(500);
        List<StageResult> one = StageReplay.run(PublishedRun.B, PublishedRun.B.engineConfig(Preset.DEFAULT), stage, 3);
        List<StageResult> two = StageReplay.run(PublishedRun.B, PublishedRun.B.engineConfig(Preset.DEFAULT), stage, 3);
        assertThat(one).isEqualTo(two);
        assertThat(one.get(1).completed()).isEqualTo(Math.round(37.97 * 0.5));
        assertThat(one.getFirst().ttftMeanMs()).isPositive();
    }

    @Test
    void theDefaultPresetMeetsEveryTargetOfConfigA() {
        FidelityReport a = new FidelityReport(
                PublishedRun.A,
                StageReplay.run(
                        PublishedRun.A, PublishedRun.A.engineConfig(Preset.DEFAULT), Duration.ofSeconds(60), 1));
        assertThat(a.itlWithinTolerance()).isTrue();
        assertThat(a.kneeMatches()).isTrue();
        assertThat(a.saturatedThroughputWithinTolerance()).isTrue();
    }

    @Test
    void theDefaultPresetMatchesConfigBsStepsAtAndPastTheKnee() {
        FidelityReport b = new FidelityReport(
                PublishedRun.B,
                StageReplay.run(
                        PublishedRun.B, PublishedRun.B.engineConfig(Preset.DEFAULT), Duration.ofSeconds(60), 1));
        assertThat(b.saturatedThroughputWithinTolerance()).isTrue();
        for (int i = PublishedRun.B.kneeStage(); i < PublishedRun.B.stages().size(); i++) {
            assertThat(Math.abs(b.itlError(i))).isLessThan(FidelityReport.ITL_TOLERANCE);
        }
    }

    @Test
    void aReplayOfTheWrongLengthIsRejected() {
        assertThatThrownBy(() -> new FidelityReport(PublishedRun.A, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: 7");
    }
}
