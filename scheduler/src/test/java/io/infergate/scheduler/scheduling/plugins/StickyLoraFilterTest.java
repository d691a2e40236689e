package io.infergate.scheduler.scheduling.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StickyLoraFilterTest {

    private static final long SECOND = 1_000_000_000L;
    private final StickyLoraFilter filter = new StickyLoraFilter("f", 2 * SECOND);

    @Test
    void keepsEndpointsRunningOrQueueingTheAdapterThenThoseWithRoomThenEveryone() {
        Candidates c = candidates(
                lora(Set.of("a", "b"), Set.of()),
                lora(Set.of("a"), Set.of()),
                lora(Set.of("c"), Set.of("b")),
                lora(Set.of("x", "y", "z"), Set.of()));

        assertThat(filter.select(at("b", 0), c)).containsExactly(true, false, true, false);
        assertThat(filter.select(at("new", 0), c)).containsExactly(true, true, true, false); // room
        Candidates full = candidates(lora(Set.of("x", "y", "z"), Set.of()), lora(Set.of("x", "y"), Set.of("z")));
        assertThat(filter.select(at("new", 0), full)).containsExactly(true, true); // fail-open
    }

    @Test
    void ourOwnRecentPicksOfAKnownAdapterCountAsAffinityUntilTheMemoryRunsOut() {
        // "z" was seen running on endpoint 3 once; the latest scrapes show it nowhere; we sent it to endpoint 2
        filter.select(
                at("z", 0),
                candidates(lora(Set.of(), Set.of()), lora(Set.of(), Set.of()), lora(Set.of("x", "y", "z"), Set.of())));
        Candidates c = candidates(
                lora(Set.of("a"), Set.of()), lora(Set.of(), Set.of()), lora(Set.of("x", "y", "w"), Set.of()));
        filter.picked(at("z", 10 * SECOND), c.endpoint(1));

        assertThat(filter.select(at("z", 11 * SECOND), c)).containsExactly(false, true, false);
        assertThat(filter.select(at("other", 11 * SECOND), c)).containsExactly(true, true, false);
        assertThat(filter.select(at("z", 13 * SECOND), c)).containsExactly(true, true, false); // forgotten: room
    }

    @Test
    void theBaseModelIsNeverKeptWhereItWentLast() {
        Candidates c = candidates(lora(Set.of("a"), Set.of()), lora(Set.of(), Set.of()));
        filter.picked(at("base", 0), c.endpoint(1));

        // never shown as an adapter: GIE's rule (room), not our memory
        assertThat(filter.select(at("base", 1), c)).containsExactly(true, true);
    }

    @Test
    void aPoolWithoutLoraInfoIsNeverNarrowed() {
        Candidates c = candidates(
                ModelServerMetrics.unknown("vllm", List.of()), ModelServerMetrics.unknown("vllm", List.of()));
        filter.picked(at("m", 0), c.endpoint(0));

        assertThat(filter.select(at("m", 1), c)).containsExactly(true, true);
    }

    @Test
    void adaptersLearntBeforeTheNamesAreClearedAreLearntAgainFromTheSameScrape() {
        // the same metrics objects throughout: a thread remembers which it learnt from, and must forget that when
        // the adapter names are cleared (past MAX_MODELS), or "z" would stop counting as an adapter
        Candidates c = candidates(lora(Set.of(), Set.of()), lora(Set.of("z"), Set.of()));
        filter.select(at("z", 0), c);
        filter.picked(at("z", 0), c.endpoint(0));
        Set<String> many = new HashSet<>();
        for (int i = 0; i < StickyLoraFilter.MAX_MODELS; i++) {
            many.add("m" + i);
        }
        filter.select(at("other", 1), candidates(lora(many, Set.of())));

        // this select clears the names first (there are MAX_MODELS + 1), then must learn "z" again from c
        assertThat(filter.select(at("z", 2), c)).containsExactly(true, true);
    }

    @Test
    void aNonPositiveMemoryIsRefused() {
        assertThatThrownBy(() -> new StickyLoraFilter("f", 0)).hasMessageContaining("memoryNanos: 0");
    }

    private static SchedulingContext at(String model, long now) {
        return new SchedulingContext(PickRequest.of("r", model, 0, 10), now, new SplittableRandom(1), null);
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
