package io.infergate.bench.lab.policy;

import static io.infergate.bench.lab.policy.FakeView.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SglangCacheAwarePolicyTest {

    private static final String SYSTEM = "You are a helpful assistant. Answer briefly and cite sources. ";

    @Test
    void defaultsAreTheDocumentedOnes() {
        SglangCacheAwareConfig c = SglangCacheAwareConfig.defaults();
        assertThat(c.cacheThreshold()).isEqualTo(0.3);
        assertThat(c.balanceAbsThreshold()).isEqualTo(64);
        assertThat(c.balanceRelThreshold()).isEqualTo(1.5);
        assertThat(c.evictionInterval()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.maxTreeSize()).isEqualTo(1L << 26);
        assertThat(new SglangCacheAwarePolicy().name()).isEqualTo("sglang-cache-aware");
        assertThatThrownBy(() -> new SglangCacheAwareConfig(1.5, 64, 1.5, Duration.ZERO, 1))
                .hasMessageContaining("cacheThreshold");
    }

    @Test
    void imbalancedRoutesToTheLeastLoadedAndStillLearnsTheText() {
        SglangCacheAwarePolicy p = new SglangCacheAwarePolicy();
        FakeView view = FakeView.of(3);
        String text = SYSTEM + "question 1";
        assertThat(p.route(request("r1", text), view).endpoint()).isZero(); // empty tree, balanced: least loaded
        // endpoint 0 holds the text, but 100 - 10 > 64 and 100 > 1.5 × 10: imbalanced
        view.inFlight(100, 10, 50);
        assertThat(p.route(request("r2", text), view).endpoint()).isEqualTo(1);
        assertThat(p.treeSize(view.endpoint(1))).isEqualTo(text.length());
    }

    @Test
    void bothImbalanceConditionsAreNeeded() {
        SglangCacheAwarePolicy p = new SglangCacheAwarePolicy();
        FakeView view = FakeView.of(2);
        String text = SYSTEM + "question 1";
        p.route(request("r1", text), view); // learnt on endpoint 0
        view.inFlight(64, 0); // difference 64 is not > 64: balanced, the cache wins
        assertThat(p.route(request("r2", text), view).endpoint()).isZero();
        view.inFlight(200, 134); // difference 66 > 64 but 200 <= 1.5 × 134: balanced
        assertThat(p.route(request("r3", text), view).endpoint()).isZero();
        view.inFlight(200, 133); // 200 > 199.5: imbalanced
        assertThat(p.route(request("r4", text), view).endpoint()).isEqualTo(1);
    }

    @Test
    void matchAboveTheThresholdGoesToTheMatchedWorker() {
        SglangCacheAwarePolicy p = new SglangCacheAwarePolicy();
        FakeView view = FakeView.of(3).inFlight(0, 0, 0);
        assertThat(p.route(request("r1", SYSTEM + "first question"), view).endpoint())
                .isZero();
        view.inFlight(5, 0, 0); // endpoint 0 is busier, but not imbalanced
        // the shared system prompt is most of this text: match rate well above 0.3
        assertThat(p.route(request("r2", SYSTEM + "second question"), view).endpoint())
                .isZero();
    }

    @Test
    void matchAtOrBelowTheThresholdGoesToTheLeastLoaded() {
        SglangCacheAwarePolicy p = new SglangCacheAwarePolicy();
        FakeView view = FakeView.of(3);
        String prefix = "0123456789";
        p.route(request("r1", prefix + "aaaaaaaaaaaaaaaaaaaa"), view); // endpoint 0
        view.inFlight(2, 1, 1);
        // 10 matched of 40 characters: 0.25 <= 0.3, so the first least-loaded endpoint
        assertThat(p.route(request("r2", prefix + "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), view)
                        .endpoint())
                .isEqualTo(1);
        // 10 of 30 = 0.33 > 0.3: the matched worker, although busier. Both hold the prefix; the node it ends on
        // was split off endpoint 0's text, and SGLang credits a node's cached last tenant
        assertThat(p.route(request("r3", prefix + "cccccccccccccccccccc"), view).endpoint())
                .isZero();
    }

    @Test
    void evictionRunsEveryIntervalOfVirtualTimeAndKeepsTheMostRecent() {
        SglangCacheAwareConfig config = SglangCacheAwareConfig.defaults()
                .withEvictionInterval(Duration.ofSeconds(120))
                .withMaxTreeSize(100);
        SglangCacheAwarePolicy p = new SglangCacheAwarePolicy(config);
        FakeView view = FakeView.of(2);
        String old = "old ".repeat(25); // 100 characters
        String recent = "new ".repeat(25);
        p.route(request("r1", old), view);
        view.advanceSeconds(1);
        p.route(request("r2", recent), view);
        assertThat(p.treeSize(view.endpoint(0))).isEqualTo(200);
        view.advanceSeconds(118); // 119 s: not due
        p.route(request("r3", recent), view);
        assertThat(p.treeSize(view.endpoint(0))).isEqualTo(200);
        view.advanceSeconds(1); // 120 s: due before this request is routed
        view.inFlight(1, 0);
        // "old" is gone, so this request has no match and goes to the least loaded
        assertThat(p.route(request("r4", old), view).endpoint()).isEqualTo(1);
        assertThat(p.treeSize(view.endpoint(0))).isEqualTo(100);
        assertThat(p.tree().match(recent).matchedChars()).isEqualTo(100);
    }

    @Test
    void sameInputsSameDecisions() {
        assertThat(run()).isEqualTo(run());
    }

    private static List<Integer> run() {
        SglangCacheAwarePolicy p = new SglangCacheAwarePolicy();
        FakeView view = FakeView.of(4);
        SplittableRandom r = new SplittableRandom(5);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            view.inFlight(r.nextInt(80), r.nextInt(80), r.nextInt(80), r.nextInt(80));
            String text = "tenant-" + r.nextInt(10) + " " + SYSTEM + r.nextInt(1000);
            out.add(p.route(request("r" + i, text), view).endpoint());
        }
        return out;
    }
}
