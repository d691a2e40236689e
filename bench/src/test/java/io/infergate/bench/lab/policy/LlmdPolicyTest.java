package io.infergate.bench.lab.policy;

import static io.infergate.bench.lab.policy.FakeView.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.bench.lab.LabRequest;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.prefix.PrefixHasher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LlmdPolicyTest {

    /** 640 bytes: 10 blocks of 64 bytes, 160 estimated tokens. */
    private static final String PROMPT = "0123456789abcdef".repeat(40);

    private static long[] hashes(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return PrefixHasher.defaults().hash(FakeView.MODEL, "", b, 0, b.length);
    }

    /** Endpoint 0 holds the whole prompt (score 1.0), endpoint 1 half of it (0.5), endpoint 2 nothing. */
    private static LlmdPolicy warmed(LlmdConfig config, FakeView view) {
        LlmdPolicy p = new LlmdPolicy(1, config);
        long[] h = hashes(PROMPT);
        assertThat(h).hasSize(10);
        p.index().add(view.endpoint(0), h);
        p.index().add(view.endpoint(1), Arrays.copyOf(h, 5));
        return p;
    }

    @Test
    void defaultsAreThePluginDefaults() {
        LlmdConfig c = LlmdConfig.defaults();
        assertThat(c.affinityThreshold()).isEqualTo(0.80);
        assertThat(c.explorationProbability()).isZero();
        assertThat(c.maxTtftPenaltyMs()).isEqualTo(18_000);
        assertThat(c.peakPrefillThroughput()).isEqualTo(15_928);
        assertThat(c.queueThresholdTokens()).isEqualTo(4L << 20);
        assertThat(c.hasher().blockSizeTokens()).isEqualTo(16);
        assertThat(new LlmdPolicy(1).name()).isEqualTo("llm-d");
    }

    @Test
    void stickyFilterKeepsOnlyHighScoreEndpointsWhileTheyAreNotSaturated() {
        FakeView view = FakeView.of(3);
        LlmdPolicy p = warmed(LlmdConfig.defaults(), view);
        // 100,000 tokens ahead: estimated TTFT 6.3 s, within the 18 s penalty. The token-load scorer alone would
        // pick endpoint 1 or 2; the filter leaves only endpoint 0.
        p.charge(view.endpoint(0), 100_000);
        assertThat(p.route(request("r1", PROMPT), view).endpoint()).isZero();
    }

    @Test
    void ttftPenaltyBreaksStickinessAndTheLoadScorerChoosesAmongAll() {
        FakeView view = FakeView.of(3);
        LlmdPolicy p = warmed(LlmdConfig.defaults(), view);
        // 300,000 tokens: 18.8 s estimated TTFT against 0 s elsewhere, more than 18 s: everyone is kept. Endpoint 1
        // has half the prompt cached, so it adds 80 uncached tokens where endpoint 2 adds 160: endpoint 1 wins.
        p.charge(view.endpoint(0), 300_000);
        assertThat(p.route(request("r1", PROMPT), view).endpoint()).isEqualTo(1);
    }

    @Test
    void penaltyIsMeasuredAgainstTheBestNonStickyEndpoint() {
        FakeView view = FakeView.of(3);
        LlmdPolicy p = warmed(LlmdConfig.defaults(), view);
        p.charge(view.endpoint(0), 300_000);
        p.charge(view.endpoint(1), 100_000);
        p.charge(view.endpoint(2), 100_000);
        // 18.8 s − 6.3 s = 12.6 s <= 18 s: still sticky
        assertThat(p.route(request("r1", PROMPT), view).endpoint()).isZero();
    }

    @Test
    void zeroPenaltyAlwaysSticks() {
        FakeView view = FakeView.of(3);
        LlmdPolicy p = warmed(LlmdConfig.defaults().withMaxTtftPenaltyMs(0), view);
        p.charge(view.endpoint(0), 4_000_000);
        assertThat(p.route(request("r1", PROMPT), view).endpoint()).isZero();
    }

    @Test
    void explorationSkipsTheFilter() {
        FakeView view = FakeView.of(3);
        LlmdPolicy p = warmed(LlmdConfig.defaults().withExplorationProbability(1.0), view);
        p.charge(view.endpoint(0), 100_000);
        assertThat(p.route(request("r1", PROMPT), view).endpoint()).isEqualTo(1);

        // with probability 0.5 per request: a fresh, identically warmed policy per seed, one request each (a
        // routed request teaches the index, which would change the next request's sticky set)
        int sticky = 0;
        int runs = 1_000;
        for (long seed = 0; seed < runs; seed++) {
            FakeView v = FakeView.of(3);
            LlmdPolicy half = new LlmdPolicy(seed, LlmdConfig.defaults().withExplorationProbability(0.5));
            half.index().add(v.endpoint(0), hashes(PROMPT));
            half.index().add(v.endpoint(1), Arrays.copyOf(hashes(PROMPT), 5));
            half.charge(v.endpoint(0), 100_000);
            int d = half.route(request("r", PROMPT), v).endpoint();
            assertThat(d).isIn(0, 1);
            sticky += d == 0 ? 1 : 0;
        }
        assertThat(sticky).isBetween(430, 570);
    }

    @Test
    void withNoStickyEndpointTheLeastTokenLoadWins() {
        FakeView view = FakeView.of(3);
        LlmdPolicy p = new LlmdPolicy(1);
        p.charge(view.endpoint(0), 500);
        p.charge(view.endpoint(2), 100);
        assertThat(p.route(request("r1", PROMPT), view).endpoint()).isEqualTo(1);
    }

    @Test
    void learnsThePickAndChargesUncachedTokensUntilTheFirstToken() {
        FakeView view = FakeView.of(2);
        LlmdPolicy p = new LlmdPolicy(1);
        LabRequest r1 = request("r1", PROMPT);
        int d = p.route(r1, view).endpoint();
        assertThat(p.inFlightTokens(view.endpoint(d))).isEqualTo(160);
        assertThat(p.index().matchLengths(hashes(PROMPT), view.endpoints())[d]).isEqualTo(10);
        p.onFirstToken(r1, d, view);
        assertThat(p.inFlightTokens(view.endpoint(d))).isZero();
        p.onFinish(r1, d, view);
        assertThat(p.inFlightTokens(view.endpoint(d))).isZero();
        // the same prompt again: sticky to d, and fully cached there, so nothing is charged
        LabRequest r2 = request("r2", PROMPT);
        assertThat(p.route(r2, view).endpoint()).isEqualTo(d);
        assertThat(p.inFlightTokens(view.endpoint(d))).isZero();
    }

    @Test
    void autoTuneFollowsScrapedGpuBlocks() {
        FakeView view = FakeView.of(1);
        ModelServerMetrics m =
                new ModelServerMetrics("vllm", 0, 0, 0.1, null, null, ModelServerMetrics.UNKNOWN, 16, 1_000, List.of());
        view.metrics(0, ScrapedMetrics.notYet("vllm").read(m, 0));
        LlmdPolicy p = new LlmdPolicy(1);
        p.route(request("r1", PROMPT), view);
        assertThat(p.index().capacity(view.endpoint(0).hostPort())).isEqualTo(1_000);
    }

    @Test
    void sameSeedSameDecisions() {
        assertThat(run(3)).isEqualTo(run(3));
        assertThat(run(3)).isNotEqualTo(run(4));
    }

    private static List<Integer> run(long seed) {
        LlmdPolicy p = new LlmdPolicy(seed, LlmdConfig.defaults().withExplorationProbability(0.3));
        FakeView view = FakeView.of(4);
        SplittableRandom r = new SplittableRandom(1);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            LabRequest q = request("r" + i, "group-" + r.nextInt(6) + " " + PROMPT + r.nextInt(100));
            int d = p.route(q, view).endpoint();
            out.add(d);
            p.onFirstToken(q, d, view);
            p.onFinish(q, d, view);
        }
        return out;
    }
}
