package io.infergate.scheduler.scheduling.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrefillQueueScorerTest {

    @Test
    void scoresOneOverOnePlusThePromptsStillWaitingForTheirFirstToken() {
        List<Endpoint> endpoints = List.of(endpoint(1), endpoint(2), endpoint(3), endpoint(4));
        List<ScrapedMetrics> metrics =
                endpoints.stream().map(e -> ScrapedMetrics.notYet("vllm")).toList();
        // in flight: 9, 1, 4, 0 requests; of them 0, 1, 3, 0 before their first token
        Candidates c = Candidates.of(
                endpoints, metrics, new int[] {9, 1, 4, 0}, new long[] {900, 100, 400, 0}, new int[] {0, 1, 3, 0});
        double[] scores = new double[4];

        new PrefillQueueScorer()
                .score(
                        new SchedulingContext(PickRequest.of("r", "m", 0, 10), 0, new SplittableRandom(1), null),
                        c,
                        scores);

        // an endpoint busy decoding but with no prompt to prefill is as good as an idle one for the first token
        assertThat(scores).containsExactly(1.0, 0.5, 0.25, 1.0);
    }

    @Test
    void anEndpointWhoseScrapeFailedScoresZero() {
        List<Endpoint> endpoints = List.of(endpoint(1), endpoint(2));
        ScrapedMetrics down = ScrapedMetrics.notYet("vllm").failed("scrape failed: connection refused");
        Candidates c = Candidates.of(
                endpoints, List.of(ScrapedMetrics.notYet("vllm"), down), new int[2], new long[2], new int[] {2, 0});
        double[] scores = new double[2];

        new PrefillQueueScorer()
                .score(
                        new SchedulingContext(PickRequest.of("r", "m", 0, 10), 0, new SplittableRandom(1), null),
                        c,
                        scores);

        assertThat(scores).containsExactly(1.0 / 3, 0.0);
    }

    @Test
    void followsTheCandidatesWhenAFilterRemovedSome() {
        List<Endpoint> endpoints = List.of(endpoint(1), endpoint(2), endpoint(3));
        List<ScrapedMetrics> metrics =
                endpoints.stream().map(e -> ScrapedMetrics.notYet("vllm")).toList();
        Candidates c = Candidates.of(endpoints, metrics, new int[] {1, 2, 3}, new long[3], new int[] {1, 2, 3});
        c.retain(new boolean[] {false, true, true});
        double[] scores = new double[2];

        new PrefillQueueScorer("mine")
                .score(
                        new SchedulingContext(PickRequest.of("r", "m", 0, 10), 0, new SplittableRandom(1), null),
                        c,
                        scores);

        assertThat(scores).containsExactly(1.0 / 3, 0.25);
    }

    private static Endpoint endpoint(int i) {
        return Endpoint.of(new PoolEndpoint("p" + i, "p" + i, "10.0.0." + i, 8000, 0), Map.of());
    }
}
