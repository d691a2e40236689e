package io.infergate.bench.lab.policy;

import static io.infergate.bench.lab.policy.FakeView.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.bench.lab.LabPolicy;
import io.infergate.bench.lab.LabRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class SimplePoliciesTest {

    private static final LabRequest R = request("r1", "hello");

    private static List<Integer> decisions(LabPolicy p, FakeView view, int count) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(p.route(R, view).endpoint());
        }
        return out;
    }

    private static void sameSeedSameDecisions(LongFunction<LabPolicy> factory) {
        FakeView view = FakeView.of(5).inFlight(1, 0, 0, 2, 0);
        assertThat(decisions(factory.apply(42), view, 200)).isEqualTo(decisions(factory.apply(42), view, 200));
        assertThat(decisions(factory.apply(42), view, 200)).isNotEqualTo(decisions(factory.apply(43), view, 200));
    }

    @Test
    void roundRobinRotatesFromTheFirstEndpoint() {
        RoundRobinPolicy p = new RoundRobinPolicy();
        assertThat(p.name()).isEqualTo("round-robin");
        FakeView view = FakeView.of(3).inFlight(9, 0, 0);
        assertThat(decisions(p, view, 7)).containsExactly(0, 1, 2, 0, 1, 2, 0);
    }

    @Test
    void randomIsUniformAndSeeded() {
        RandomPolicy p = new RandomPolicy(7);
        assertThat(p.name()).isEqualTo("random");
        int[] hits = new int[4];
        for (int d : decisions(p, FakeView.of(4), 40_000)) {
            hits[d]++;
        }
        for (int h : hits) {
            assertThat(h).isBetween(9_500, 10_500);
        }
        sameSeedSameDecisions(RandomPolicy::new);
    }

    @Test
    void leastRequestPicksTheFewestInFlight() {
        LeastRequestPolicy p = new LeastRequestPolicy(1);
        assertThat(p.name()).isEqualTo("least-request");
        assertThat(decisions(p, FakeView.of(4).inFlight(3, 2, 1, 4), 50)).containsOnly(2);
    }

    @Test
    void leastRequestBreaksTiesAtRandomAmongTheTiedOnly() {
        LeastRequestPolicy p = new LeastRequestPolicy(1);
        int[] hits = new int[4];
        for (int d : decisions(p, FakeView.of(4).inFlight(1, 0, 3, 0), 10_000)) {
            hits[d]++;
        }
        assertThat(hits[0]).isZero();
        assertThat(hits[2]).isZero();
        assertThat(hits[1]).isBetween(4_700, 5_300);
        assertThat(hits[3]).isBetween(4_700, 5_300);
        sameSeedSameDecisions(LeastRequestPolicy::new);
    }

    @Test
    void p2cPicksTheLessLoadedOfTwoDistinctDraws() {
        PowerOfTwoPolicy p = new PowerOfTwoPolicy(3);
        assertThat(p.name()).isEqualTo("p2c");
        // with two endpoints both are always drawn, so the lighter always wins
        assertThat(decisions(p, FakeView.of(2).inFlight(5, 4), 100)).containsOnly(1);
        // the most loaded of three loses every pair it is drawn in; the least loaded wins 2 pairs of 3
        int[] hits = new int[3];
        for (int d : decisions(p, FakeView.of(3).inFlight(1, 9, 0), 30_000)) {
            hits[d]++;
        }
        assertThat(hits[1]).isZero();
        assertThat(hits[2]).isBetween(19_400, 20_600);
        assertThat(decisions(new PowerOfTwoPolicy(3), FakeView.of(1), 5)).containsOnly(0);
    }

    @Test
    void p2cTieGoesToTheFirstDraw() {
        long seed = 11;
        PowerOfTwoPolicy p = new PowerOfTwoPolicy(seed);
        SplittableRandom mirror = new SplittableRandom(seed);
        FakeView view = FakeView.of(4).inFlight(2, 2, 2, 2);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int first = mirror.nextInt(4);
            mirror.nextInt(3);
            int d = p.route(R, view).endpoint();
            assertThat(d).isEqualTo(first);
            seen.add(d);
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3);
        sameSeedSameDecisions(PowerOfTwoPolicy::new);
    }
}
