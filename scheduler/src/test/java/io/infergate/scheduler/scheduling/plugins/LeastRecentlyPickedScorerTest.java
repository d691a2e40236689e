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
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class LeastRecentlyPickedScorerTest {

    private final List<Endpoint> endpoints = List.of(endpoint(1), endpoint(2), endpoint(3));
    private final LeastRecentlyPickedScorer scorer = new LeastRecentlyPickedScorer();

    @Test
    void neverPickedScoresBestThenLongestAgoBest() {
        scorer.picked(at(100), endpoints.get(0));
        scorer.picked(at(300), endpoints.get(1));

        // against "never", both picks are as recent
        assertThat(score(400)).containsExactly(new double[] {0.0, 0.0, 1.0}, Offset.offset(1e-9));

        scorer.picked(at(200), endpoints.get(2));
        // picked at 100, 300, 200: the oldest 1, the newest 0, linear between
        assertThat(score(400)).containsExactly(1.0, 0.0, 0.5);
    }

    @Test
    void anEndpointWhoseScrapeFailedScoresWorstThoughNeverPicked() {
        scorer.picked(at(100), endpoints.get(0));
        List<ScrapedMetrics> metrics = List.of(
                ScrapedMetrics.notYet("vllm"),
                ScrapedMetrics.notYet("vllm"),
                ScrapedMetrics.notYet("vllm").failed("scrape failed: timeout"));
        double[] s = new double[3];

        scorer.score(at(200), Candidates.of(endpoints, metrics), s);

        assertThat(s).containsExactly(0.0, 1.0, 0.0);
    }

    @Test
    void pickingTheBestScoreOverItAloneRotatesLikeRoundRobin() {
        int[] counts = new int[3];
        Endpoint previous = null;
        for (int t = 1; t <= 30; t++) {
            double[] s = score(t);
            int best = 0;
            for (int i = 1; i < 3; i++) {
                if (s[i] > s[best]) {
                    best = i;
                }
            }
            Endpoint chosen = endpoints.get(best);
            if (previous != null && t > 3) {
                assertThat(chosen).isNotEqualTo(previous);
            }
            scorer.picked(at(t), chosen);
            counts[best]++;
            previous = chosen;
        }
        assertThat(counts).containsExactly(10, 10, 10);
    }

    private double[] score(long now) {
        List<ScrapedMetrics> metrics =
                endpoints.stream().map(e -> ScrapedMetrics.notYet("vllm")).toList();
        double[] s = new double[3];
        scorer.score(at(now), Candidates.of(endpoints, metrics), s);
        return s;
    }

    private static SchedulingContext at(long now) {
        return new SchedulingContext(PickRequest.of("r", "m", 0, 10), now, new SplittableRandom(1), null);
    }

    private static Endpoint endpoint(int i) {
        return Endpoint.of(new PoolEndpoint("p" + i, "p" + i, "10.0.0." + i, 8000, 0), Map.of());
    }
}
