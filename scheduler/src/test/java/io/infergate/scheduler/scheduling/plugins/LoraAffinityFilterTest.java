package io.infergate.scheduler.scheduling.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LoraAffinityFilterTest {

    private static final SchedulingContext FOR_B =
            new SchedulingContext(PickRequest.of("r", "lora-b", 0, 10), 0, new SplittableRandom(1), null);

    @Test
    void prefersEndpointsRunningOrQueueingTheAdapterThenEndpointsWithRoom() {
        Candidates c = candidates(
                lora(Set.of("lora-a", "lora-b"), Set.of()),
                lora(Set.of("lora-a"), Set.of()),
                lora(Set.of("lora-a", "lora-c"), Set.of("lora-b")),
                lora(Set.of("x", "y", "z"), Set.of()));

        assertThat(new LoraAffinityFilter("f", 1.0).select(FOR_B, c)).containsExactly(true, false, true, false);
        assertThat(new LoraAffinityFilter("f", 0.0).select(FOR_B, c)).containsExactly(true, true, false, false);
    }

    @Test
    void withNeitherGroupGieFailsAndTheFailOpenVariantKeepsEveryone() {
        // engines that never ran an adapter expose no LoRA info; a full engine has no room
        Candidates c = candidates(ModelServerMetrics.unknown("vllm", List.of()), lora(Set.of("x", "y", "z"), Set.of()));

        assertThat(new LoraAffinityFilter("f", 0.999).select(FOR_B, c)).containsExactly(false, false);
        assertThat(new LoraAffinityFilter("f", 0.999, true).select(FOR_B, c)).containsExactly(true, true);
    }

    private static ModelServerMetrics lora(Set<String> active, Set<String> waiting) {
        return new ModelServerMetrics("vllm", 0, 1, 0.1, active, waiting, 3, 16, 1000, List.of());
    }

    private static Candidates candidates(ModelServerMetrics... metrics) {
        List<Endpoint> endpoints = new ArrayList<>();
        List<ScrapedMetrics> scraped = new ArrayList<>();
        for (int i = 0; i < metrics.length; i++) {
            endpoints.add(Endpoint.of(new PoolEndpoint("p" + i, "p" + i, "10.0.0." + (i + 1), 8000, 0), Map.of()));
            scraped.add(new ScrapedMetrics(metrics[i], 0, null));
        }
        return Candidates.of(endpoints, scraped);
    }
}
