package io.infergate.bench.lab.policy;

import static io.infergate.bench.lab.policy.FakeView.concat;
import static io.infergate.bench.lab.policy.FakeView.request;
import static io.infergate.bench.lab.policy.FakeView.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infergate.bench.lab.LabRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DynamoKvPolicyTest {

    /** Block size 4: a 16-token prompt is 4 blocks. */
    private static FakeView view(int n) {
        return FakeView.of(n).blockSize(4);
    }

    private static LabRequest req(String id, int[] tokens) {
        return request(id, "x", tokens);
    }

    @Test
    void defaultsAreDynamos() {
        DynamoKvConfig c = DynamoKvConfig.defaults();
        assertThat(c.prefillLoadScale()).isEqualTo(1.0);
        assertThat(c.overlapScoreCredit()).isEqualTo(1.0);
        assertThat(c.temperature()).isZero();
        assertThat(c.ttl()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.maxTreeSize()).isEqualTo(1 << 20);
        assertThat(c.pruneTargetRatio()).isEqualTo(0.8);
        assertThat(new DynamoKvPolicy(1).name()).isEqualTo("dynamo-kv");
    }

    @Test
    void costIsScaledAdjustedPrefillPlusDecodeBlocks() {
        DynamoKvPolicy p = new DynamoKvPolicy(1);
        FakeView view = view(2);
        LabRequest a = req("a", tokens(1000, 16));
        // idle workers: (0 + 16)/4 prefill blocks + 4 new blocks = 8 each
        assertThat(p.costs(a, view).cost()).containsExactly(8.0, 8.0);
        int wa = p.route(a, view).endpoint();
        assertThat(p.activePrefillTokens(view.endpoint(wa))).isEqualTo(16);
        assertThat(p.activeBlocks(view.endpoint(wa))).isEqualTo(4);

        // a different 10-token prompt: 2 full blocks (the partial one has no hash), 2.5 prefill blocks
        LabRequest b = req("b", tokens(5000, 10));
        double[] cost = p.costs(b, view).cost();
        // busy worker: (16 + 10)/4 = 6.5 prefill + (4 active + 2 new) decode = 12.5; idle: 2.5 + 2 = 4.5
        assertThat(cost[wa]).isEqualTo(12.5);
        assertThat(cost[1 - wa]).isEqualTo(4.5);
        assertThat(p.route(b, view).endpoint()).isEqualTo(1 - wa);
    }

    @Test
    void overlapIsCreditedAgainstPrefillOnly() {
        DynamoKvPolicy p = new DynamoKvPolicy(2);
        FakeView view = view(2);
        LabRequest a = req("a", tokens(1000, 16));
        int w = p.route(a, view).endpoint();
        p.onFirstToken(a, w, view);
        p.onFinish(a, w, view);
        assertThat(p.activeBlocks(view.endpoint(w))).isZero();

        // same 16 tokens plus 4 more: 5 blocks, 4 of them routed to w before
        LabRequest a2 = req("a2", concat(tokens(1000, 16), tokens(77, 4)));
        DynamoKvPolicy.Costs c = p.costs(a2, view);
        assertThat(c.overlap()[w]).isEqualTo(4);
        assertThat(c.overlap()[1 - w]).isZero();
        // w: max(20/4 − 4, 0) + 5 = 6; other: 5 + 5 = 10
        assertThat(c.cost()[w]).isEqualTo(6.0);
        assertThat(c.cost()[1 - w]).isEqualTo(10.0);
        assertThat(p.route(a2, view).endpoint()).isEqualTo(w);
        // only the uncached 4 tokens are charged as prefill
        assertThat(p.activePrefillTokens(view.endpoint(w))).isEqualTo(4);
    }

    @Test
    void costOnAHandMadeStateWithBothWorkersBusy() {
        DynamoKvPolicy p = new DynamoKvPolicy(3);
        FakeView view = view(2);
        int w = p.route(req("a", tokens(1000, 16)), view).endpoint(); // still prefilling on w: 16 tokens, 4 blocks
        // 64 tokens, 16 blocks: (16 + 64)/4 + 4 + 16 = 40 on w against 16 + 16 = 32 on the other
        assertThat(p.route(req("b", tokens(2000, 64)), view).endpoint()).isEqualTo(1 - w);
        // hand-made check on a request sharing a's prefix
        LabRequest a2 = req("a2", concat(tokens(1000, 16), tokens(9, 8)));
        DynamoKvPolicy.Costs c = p.costs(a2, view);
        double expectedW = Math.max((16 + 24) / 4.0 - 4, 0) + (4 + 2); // 6 + 6 = 12
        assertThat(c.cost()[w]).isEqualTo(expectedW);
        // the other worker carries b: (64 + 24)/4 = 22 + (16 active + 6 new) = 44
        assertThat(c.cost()[1 - w]).isEqualTo(44.0);
    }

    @Test
    void prefillTokensLeaveAtTheFirstTokenAndBlocksAtTheEnd() {
        DynamoKvPolicy p = new DynamoKvPolicy(4);
        FakeView view = view(1);
        LabRequest a = req("a", tokens(1, 18));
        LabRequest b = req("b", tokens(1, 8)); // shares a's first two blocks
        p.route(a, view);
        p.route(b, view);
        assertThat(p.activePrefillTokens(view.endpoint(0))).isEqualTo(18 + 0); // b fully cached: 8 − 2×4 = 0
        assertThat(p.activeBlocks(view.endpoint(0))).isEqualTo(4); // shared blocks count once
        p.onFirstToken(a, 0, view);
        assertThat(p.activePrefillTokens(view.endpoint(0))).isZero();
        assertThat(p.activeBlocks(view.endpoint(0))).isEqualTo(4);
        p.onFinish(a, 0, view);
        assertThat(p.activeBlocks(view.endpoint(0))).isEqualTo(2);
        p.onFinish(b, 0, view); // finished without a first token (failed): nothing left
        assertThat(p.activeBlocks(view.endpoint(0))).isZero();
        assertThat(p.activePrefillTokens(view.endpoint(0))).isZero();
    }

    @Test
    void routedBlocksExpireAfterTheTtl() {
        DynamoKvPolicy p = new DynamoKvPolicy(5);
        FakeView view = view(2);
        LabRequest a = req("a", tokens(1000, 16));
        int w = p.route(a, view).endpoint();
        p.onFinish(a, w, view);
        view.advanceSeconds(119.9);
        assertThat(p.costs(a, view).overlap()[w]).isEqualTo(4);
        view.advanceSeconds(0.1);
        assertThat(p.costs(a, view).overlap()[w]).isZero();
    }

    @Test
    void prefillLoadScaleWeighsPromptWork() {
        DynamoKvPolicy p = new DynamoKvPolicy(6, DynamoKvConfig.defaults().withPrefillLoadScale(2.0));
        FakeView view = view(2);
        LabRequest a = req("a", tokens(1000, 16));
        assertThat(p.costs(a, view).cost()).containsExactly(2 * 4.0 + 4, 2 * 4.0 + 4);
    }

    @Test
    void temperatureSamplesSoftmaxOfNormalisedCosts() {
        DynamoKvPolicy p = new DynamoKvPolicy(7, DynamoKvConfig.defaults().withTemperature(1.0));
        double[] cost = {10, 30, 20};
        int[] hits = new int[3];
        int draws = 60_000;
        for (int i = 0; i < draws; i++) {
            hits[p.pick(cost)]++;
        }
        // normalised costs 0, 1, 0.5: weights 1, e^-1, e^-0.5
        double z = 1 + Math.exp(-1) + Math.exp(-0.5);
        assertThat(hits[0] / (double) draws).isCloseTo(1 / z, within(0.01));
        assertThat(hits[1] / (double) draws).isCloseTo(Math.exp(-1) / z, within(0.01));
        assertThat(hits[2] / (double) draws).isCloseTo(Math.exp(-0.5) / z, within(0.01));
        int[] equal = new int[2];
        for (int i = 0; i < 20_000; i++) {
            equal[p.pick(new double[] {5, 5})]++;
        }
        assertThat(equal[0]).isBetween(9_500, 10_500);
    }

    @Test
    void zeroTemperatureBreaksTiesAtRandom() {
        DynamoKvPolicy p = new DynamoKvPolicy(8);
        int[] hits = new int[3];
        for (int i = 0; i < 30_000; i++) {
            hits[p.pick(new double[] {3, 1, 1})]++;
        }
        assertThat(hits[0]).isZero();
        assertThat(hits[1]).isBetween(14_300, 15_700);
    }

    @Test
    void sameSeedSameDecisions() {
        assertThat(run(9, 0)).isEqualTo(run(9, 0));
        assertThat(run(9, 0.5)).isEqualTo(run(9, 0.5));
        assertThat(run(9, 0.5)).isNotEqualTo(run(10, 0.5));
    }

    private static List<Integer> run(long seed, double temperature) {
        DynamoKvPolicy p = new DynamoKvPolicy(seed, DynamoKvConfig.defaults().withTemperature(temperature));
        FakeView view = view(4);
        SplittableRandom r = new SplittableRandom(1);
        List<LabRequest> open = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            view.advanceSeconds(0.05);
            LabRequest q = req("r" + i, concat(tokens(r.nextInt(8) * 1000, 32), tokens(i * 100, r.nextInt(40))));
            int d = p.route(q, view).endpoint();
            out.add(d);
            open.add(q);
            where.add(d);
            if (open.size() > 20) {
                int k = r.nextInt(open.size());
                p.onFirstToken(open.get(k), where.get(k), view);
                p.onFinish(open.remove(k), where.remove(k), view);
            }
        }
        return out;
    }
}
