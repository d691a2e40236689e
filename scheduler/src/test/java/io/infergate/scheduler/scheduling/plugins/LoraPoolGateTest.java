package io.infergate.scheduler.scheduling.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LoraPoolGateTest {

    private static final SchedulingContext CTX =
            new SchedulingContext(PickRequest.of("r", "m", 0, 10), 5, new SplittableRandom(1), null);
    private static final int[] PREFILLING = {0, 3};

    @Test
    void scoresOnlyInItsKindOfPoolAndIsNeutralInTheOther() {
        Candidates plain = candidates(plain(), plain());
        Candidates lora = candidates(plain(), withLora());

        assertThat(score(new LoraPoolGate(new PrefillQueueScorer(), false), plain))
                .containsExactly(1.0, 0.25);
        assertThat(score(new LoraPoolGate(new PrefillQueueScorer(), false), lora))
                .containsExactly(1.0, 1.0);
        assertThat(score(new LoraPoolGate(new PrefillQueueScorer(), true), lora))
                .containsExactly(1.0, 0.25);
        assertThat(score(new LoraPoolGate(new PrefillQueueScorer(), true), plain))
                .containsExactly(1.0, 1.0);
    }

    @Test
    void aPoolNotScrapedYetCountsAsALoraPoolAndPicksAreAlwaysPassedOn() {
        Candidates unread = candidates(ScrapedMetrics.notYet("vllm"), ScrapedMetrics.notYet("vllm"));
        assertThat(LoraPoolGate.isLoraPool(unread)).isTrue();

        LeastRecentlyPickedScorer lru = new LeastRecentlyPickedScorer();
        LoraPoolGate gate = new LoraPoolGate(lru, false);
        gate.picked(CTX, unread.endpoint(0)); // learned even though this pool counts as a LoRA pool now
        double[] s = new double[2];
        lru.score(CTX, candidates(plain(), plain()), s);
        assertThat(s).containsExactly(0.0, 1.0);
        assertThat(gate.name()).isEqualTo("least-recently-picked-scorer@plain-pools");
    }

    private static double[] score(LoraPoolGate gate, Candidates c) {
        double[] s = new double[c.size()];
        gate.score(CTX, c, s);
        return s;
    }

    private static ScrapedMetrics plain() {
        return new ScrapedMetrics(
                new ModelServerMetrics("vllm", 0, 1, 0.1, null, null, -1, 16, 1000, List.of()), 0, null);
    }

    private static ScrapedMetrics withLora() {
        return new ScrapedMetrics(
                new ModelServerMetrics("vllm", 0, 1, 0.1, Set.of("a"), Set.of(), 3, 16, 1000, List.of()), 0, null);
    }

    private static Candidates candidates(ScrapedMetrics... m) {
        List<Endpoint> endpoints = List.of(endpoint(1), endpoint(2));
        return Candidates.of(endpoints, List.of(m), new int[2], new long[2], PREFILLING);
    }

    private static Endpoint endpoint(int i) {
        return Endpoint.of(new PoolEndpoint("p" + i, "p" + i, "10.0.0." + i, 8000, 0), Map.of());
    }
}
