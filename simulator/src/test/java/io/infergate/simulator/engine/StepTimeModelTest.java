package io.infergate.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The calibration points of {@code docs/simulator.md} ("Step time") for the default preset. */
class StepTimeModelTest {

    private final StepTimeModel h100 = Preset.LLAMA_3_1_8B_H100.stepTime();

    // Calibration points of the default preset against the KubeCon NA 2025 inference-perf runs
    // (kubernetes-sigs/inference-perf demos/kubecon-na-2025, vLLM 0.11, one H100; docs/simulator.md, "Fidelity").

    @Test
    void batchOfOneDecodesAtThePublishedLightLoadStep() {
        // published: 7.14 ms at 1 QPS in both configs ((E2E - TTFT) / 63)
        assertThat(h100.stepMs(0, 1, 235, 0)).isCloseTo(7.14, within(0.1));
    }

    @Test
    void eachRunningSequenceAddsThePublishedSlope() {
        // published config A: ITL grows ~0.033 ms per running sequence (engine tokens)
        double perSeq = (h100.stepMs(0, 101, 101 * 235L, 0) - h100.stepMs(0, 1, 235, 0)) / 100;
        assertThat(perSeq).isCloseTo(0.033, within(0.002));
    }

    @Test
    void aFullBatchWithPrefixCachedPromptsStepsAtConfigASaturation() {
        // config A saturated: 128 running, ~2 new prompts per step with 11 uncached tokens each; published 11.5-11.7 ms
        assertThat(h100.stepMs(22, 128, 128 * 235L, 22 * 200.0)).isBetween(11.5 * 0.95, 11.7 * 1.05);
    }

    @Test
    void aMixedStepCostsDecodePlusPrefillAtConfigBSaturation() {
        // config B saturated: 192 running, three whole 201-token prompts per step; published 25.3-26.1 ms. The old
        // max(memory, compute) form hid the prefill under the memory floor here (16.9 ms).
        double attention = 3 * 201 * (201 / 2.0);
        assertThat(h100.stepMs(603, 192, 192 * 232L, attention)).isBetween(25.3 * 0.95, 26.1 * 1.05);
    }

    @Test
    void stepTimesVaryByTheSeededNoise() {
        long plain = h100.stepNanos(0, 1, 235, 0);
        assertThat(h100.stepNanos(0, 1, 235, 0, 1.0)).isEqualTo(Math.round(plain * 1.015));
        assertThat(h100.stepNanos(0, 1, 235, 0, -100)).isEqualTo(Math.round(plain * 0.5));
        assertThat(h100.stepTimeCv()).isEqualTo(0.015);
    }

    @Test
    void rejectsAVarianceBeyondTheClamp() {
        assertThatThrownBy(() -> h100.withStepTimeCv(0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stepTimeCv: 0.5");
    }

    @Test
    void onlyTheDefaultPresetIsCalibrated() {
        assertThat(Preset.LLAMA_3_1_8B_H100.calibrated()).isTrue();
        assertThat(Preset.LLAMA_3_1_8B_A100.calibrated()).isFalse();
        assertThat(Preset.LLAMA_3_1_70B_H100_TP4.calibration()).startsWith("uncalibrated");
    }

    @Test
    void oneLongPrefillTakesAboutTwoHundredMilliseconds() {
        double attention = 8192 * (8192 / 2.0);
        assertThat(h100.stepMs(8192, 0, 0, attention)).isBetween(180.0, 230.0);
    }

    @Test
    void largerDeploymentsAreSlowerPerToken() {
        double a100 = Preset.LLAMA_3_1_8B_A100.stepTime().stepMs(2048, 0, 0, 2048 * 1024.0);
        double tp4 = Preset.LLAMA_3_1_70B_H100_TP4.stepTime().stepMs(2048, 0, 0, 2048 * 1024.0);
        double h = h100.stepMs(2048, 0, 0, 2048 * 1024.0);
        assertThat(a100).isGreaterThan(2.5 * h);
        assertThat(tp4).isGreaterThan(2 * h);
    }

    @Test
    void rejectsNegativeConstants() {
        assertThatThrownBy(() -> new StepTimeModel(-1, 0, 0, 0, 1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memFloorMs: -1.0");
    }

    @Test
    void presetsResolveByIdAndListTheKnownOnes() {
        assertThat(Preset.byId("llama-3.1-70b-h100-tp4")).isEqualTo(Preset.LLAMA_3_1_70B_H100_TP4);
        assertThatThrownBy(() -> Preset.byId("gpt-5"))
                .hasMessageContaining("llama-3.1-8b-h100, llama-3.1-8b-a100, llama-3.1-70b-h100-tp4");
    }
}
