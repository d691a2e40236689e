package io.infergate.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.scheduler.metrics.MetricsProblem.Kind;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelServerMetricsTest {

    private static final MetricsProblem MISSING =
            new MetricsProblem(Kind.MISSING, "q (waiting queue): no matching series");

    @Test
    void unknownIsExplicit() {
        ModelServerMetrics m = ModelServerMetrics.unknown("vllm", List.of(MISSING));

        assertThat(m.hasWaitingQueue()).isFalse();
        assertThat(m.hasRunningRequests()).isFalse();
        assertThat(m.hasKvUsage()).isFalse();
        assertThat(m.hasLoraInfo()).isFalse();
        assertThat(m.hasMaxLoras()).isFalse();
        assertThat(m.hasBlockSize()).isFalse();
        assertThat(m.hasNumGpuBlocks()).isFalse();
        assertThat(m.anyKnown()).isFalse();
        assertThat(m.hasProblems()).isTrue();
        assertThat(m.waitingQueue()).isEqualTo(ModelServerMetrics.UNKNOWN);
    }

    @Test
    void orElseKeepsPreviousValuesForWhatThisScrapeMissed() {
        ModelServerMetrics previous =
                new ModelServerMetrics("vllm", 4, 2, 0.5, Set.of("a"), Set.of(), 8, 16, 1000, List.of());
        ModelServerMetrics partial =
                new ModelServerMetrics("vllm", 7, -1, Double.NaN, null, null, -1, -1, -1, List.of(MISSING));

        ModelServerMetrics merged = partial.orElse(previous);

        assertThat(merged)
                .isEqualTo(new ModelServerMetrics(
                        "vllm", 7, 2, 0.5, Set.of("a"), Set.of(), 8, 16, 1000, List.of(MISSING)));
    }

    @Test
    void rejectsValuesOutsideTheirDomain() {
        assertThatThrownBy(() -> new ModelServerMetrics("vllm", -2, 0, 0, null, null, 0, 0, 0, List.of()))
                .hasMessage("waitingQueue: -2 (expected: >= 0, or -1 when unknown)");
        assertThatThrownBy(() -> new ModelServerMetrics("vllm", 0, 0, 1.5, null, null, 0, 0, 0, List.of()))
                .hasMessage("kvUsage: 1.5 (expected: 0..1, or NaN when unknown)");
        assertThatThrownBy(() -> new ModelServerMetrics("vllm", 0, 0, 0, Set.of(), null, 0, 0, 0, List.of()))
                .hasMessageContaining("one is null");
        assertThatThrownBy(() -> new ModelServerMetrics(" ", 0, 0, 0, null, null, 0, 0, 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void adapterSetsAreUnmodifiableCopies() {
        Set<String> active = new LinkedHashSet<>(List.of("b", "a"));
        ModelServerMetrics m = new ModelServerMetrics("vllm", 0, 0, 0, active, Set.of(), 1, 16, 10, List.of());
        active.add("c");

        assertThat(m.activeAdapters()).containsExactly("b", "a");
        assertThatThrownBy(() -> m.activeAdapters().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
