package io.infergate.scheduler.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PromptBytes;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import io.infergate.scheduler.scheduling.plugins.LowQueueFilter;
import io.infergate.scheduler.scheduling.plugins.MaxScorePicker;
import io.infergate.scheduler.scheduling.plugins.RandomPicker;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Profiles on hand-built candidates: GIE's worked example, clamping, and the fallbacks order. */
class SchedulerProfileTest {

    private static final PrefixHasher HASHER = PrefixHasher.defaults();

    private static byte[] prompt(int blocks) {
        byte[] b = new byte[blocks * HASHER.blockBytes()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    private static SchedulingContext ctx(byte[] prompt, long seed) {
        PickRequest r = new PickRequest(
                "r1", "m", 0, prompt.length, "default-flow", "", new PromptBytes(prompt, 0, prompt.length));
        return new SchedulingContext(r, Pods.NOW, new SplittableRandom(seed), HASHER);
    }

    @Test
    void theWorkedExampleOfGie() {
        // the worked example of docs/scheduling.md:
        // A (q 0, kv 0.2, prefix 0/10), B (5, 0.5, 5/10), C (10, 0.9, 10/10) -> 3.6, 3.5, 3.2
        byte[] p = prompt(10);
        PrefixIndex index = new PrefixIndex();
        long[] hashes = HASHER.hash("m", "", p, 0, p.length);
        assertThat(hashes).hasSize(10);
        List<Endpoint> eps = List.of(Pods.endpoint(0), Pods.endpoint(1), Pods.endpoint(2));
        index.add(eps.get(1), Arrays.copyOf(hashes, 5));
        index.add(eps.get(2), hashes);
        SchedulerProfile profile = BuiltInProfiles.named(BuiltInProfiles.GIE_V1_DEFAULT, index, HASHER);
        Candidates c = Candidates.of(eps, List.of(Pods.metrics(0, 0.2), Pods.metrics(5, 0.5), Pods.metrics(10, 0.9)));

        ProfileResult r = profile.run(ctx(p, 1), c);

        assertThat(r).isInstanceOf(ProfileResult.Chosen.class);
        ProfileResult.Chosen chosen = (ProfileResult.Chosen) r;
        assertThat(chosen.endpoints()).containsExactly(eps.get(0), eps.get(1), eps.get(2));
        assertThat(chosen.explanation().totals()).containsExactly(new double[] {3.6, 3.5, 3.2}, Offset.offset(1e-9));
        assertThat(chosen.explanation().scorers())
                .containsExactly("queue-scorer", "kv-cache-utilization-scorer", "prefix-cache-scorer");
    }

    @Test
    void scoresAreClampedAndWeightsNotNormalised() {
        Scorer wild = new Scorer() {
            @Override
            public String type() {
                return "wild";
            }

            @Override
            public void score(SchedulingContext ctx, Candidates c, double[] s) {
                s[0] = 7;
                s[1] = -3;
                s[2] = Double.NaN;
            }
        };
        SchedulerProfile p =
                new SchedulerProfile("p", List.of(), List.of(new WeightedScorer(wild, 5)), new MaxScorePicker(), 3);
        Candidates c = Candidates.of(
                List.of(Pods.endpoint(0), Pods.endpoint(1), Pods.endpoint(2)),
                List.of(Pods.metrics(0, 0), Pods.metrics(0, 0), Pods.metrics(0, 0)));
        ProfileResult.Chosen r = (ProfileResult.Chosen) p.run(ctx(new byte[0], 1), c);
        assertThat(r.explanation().totals()).containsExactly(5.0, 0.0, 0.0);
        assertThat(r.endpoints().get(0)).isEqualTo(Pods.endpoint(0));
    }

    @Test
    void runningUnexplainedChoosesTheSameWithoutKeepingScores() {
        // the second scorer writes one position and leaves the others meaning 0: the shared scratch array must not
        // hand it the first scorer's values
        SchedulerProfile p = new SchedulerProfile(
                "p",
                List.of(),
                List.of(
                        new WeightedScorer(fixed("a", 0.5, 0.9, 0), 1),
                        new WeightedScorer(fixed("b", Double.NaN, Double.NaN, 1), 2)),
                new MaxScorePicker(),
                3);
        List<Endpoint> eps = List.of(Pods.endpoint(0), Pods.endpoint(1), Pods.endpoint(2));
        List<ScrapedMetrics> metrics = List.of(Pods.metrics(0, 0), Pods.metrics(0, 0), Pods.metrics(0, 0));

        ProfileResult.Chosen explained = (ProfileResult.Chosen) p.run(ctx(new byte[0], 1), Candidates.of(eps, metrics));
        ProfileResult.Chosen unexplained =
                (ProfileResult.Chosen) p.runUnexplained(ctx(new byte[0], 1), Candidates.of(eps, metrics));

        assertThat(explained.explanation().totals()).containsExactly(0.5, 0.9, 2.0);
        assertThat(unexplained.endpoints()).containsExactly(eps.get(2), eps.get(1), eps.get(0));
        assertThat(unexplained.endpoints()).isEqualTo(explained.endpoints());
        assertThatThrownBy(unexplained::explanation).isInstanceOf(IllegalStateException.class);
    }

    /** A scorer that writes {@code values} where they are not NaN and leaves the other positions alone. */
    private static Scorer fixed(String type, double... values) {
        return new Scorer() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public void score(SchedulingContext ctx, Candidates c, double[] s) {
                for (int i = 0; i < values.length; i++) {
                    if (!Double.isNaN(values[i])) {
                        s[i] = values[i];
                    }
                }
            }
        };
    }

    @Test
    void aFilterThatLeavesNothingFailsTheProfile() {
        SchedulerProfile p =
                new SchedulerProfile("p", List.of(new LowQueueFilter("low", 1)), List.of(), new RandomPicker(), 1);
        Candidates c = Candidates.of(List.of(Pods.endpoint(0)), List.of(Pods.metrics(5, 0.1)));
        assertThat(p.run(ctx(new byte[0], 1), c))
                .isEqualTo(new ProfileResult.Failed("no endpoints available: filter low left none"));
    }

    @Test
    void maxScoreBreaksTiesRandomlyButReproduciblyPerSeed() {
        SchedulerProfile p = BuiltInProfiles.named(BuiltInProfiles.GIE_V1_DEFAULT, new PrefixIndex(), HASHER);
        List<Endpoint> eps = List.of(Pods.endpoint(0), Pods.endpoint(1), Pods.endpoint(2), Pods.endpoint(3));
        List<ScrapedMetrics> same =
                List.of(Pods.metrics(1, 0.5), Pods.metrics(1, 0.5), Pods.metrics(1, 0.5), Pods.metrics(1, 0.5));
        Set<Endpoint> firsts = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            Endpoint a = ((ProfileResult.Chosen) p.run(ctx(new byte[0], seed), Candidates.of(eps, same)))
                    .endpoints()
                    .get(0);
            Endpoint b = ((ProfileResult.Chosen) p.run(ctx(new byte[0], seed), Candidates.of(eps, same)))
                    .endpoints()
                    .get(0);
            assertThat(a).isEqualTo(b);
            firsts.add(a);
        }
        assertThat(firsts).hasSize(4);
    }

    @Test
    void explanationNamesEveryScore() {
        String s = new Explanation(
                        List.of(Pods.endpoint(0)),
                        List.of("q"),
                        new double[] {2},
                        new double[][] {{0.5}},
                        new double[] {1.0})
                .toString();
        assertThat(s).isEqualTo("pod0-rank-0=1.0 (q=0.5)");
    }
}
