package io.infergate.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The calibration points of {@code docs/simulator.md} ("Step time") for the default preset. */
class StepTimeModelTest {

    private final StepTimeModel h100 = Preset.LLAMA_3_1_8B_H100.stepTime();

    @Test
    void batchOfOneDecodesInAboutSevenMilliseconds() {
        assertThat(h100.stepMs(0, 1, 300, 0)).isCloseTo(7.0, within(0.1));
    }

    @Test
    void busyDecodeStepWithPrefillTakesAboutTwelveMilliseconds() {
        // 128 decoding sequences (~240 tokens of context each) plus ~400 prefill tokens
        double attention = 400 * (0 + 400 / 2.0);
        assertThat(h100.stepMs(400, 128, 128 * 240, attention)).isBetween(11.5, 12.5);
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
