package io.infergate.scheduler.scheduling.config;

import static io.infergate.scheduler.scheduling.config.Cluster.candidates;
import static io.infergate.scheduler.scheduling.config.Cluster.ctx;
import static io.infergate.scheduler.scheduling.config.Cluster.metrics;
import static io.infergate.scheduler.scheduling.config.Cluster.pods;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infergate.api.Problem;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.ProfileResult;
import io.infergate.scheduler.scheduling.SchedulerProfile;
import io.infergate.scheduler.scheduling.WeightedScorer;
import io.infergate.scheduler.scheduling.plugins.DecisionTreeFilter;
import io.infergate.scheduler.scheduling.plugins.KvCacheUtilizationScorer;
import io.infergate.scheduler.scheduling.plugins.LeastBandFilter;
import io.infergate.scheduler.scheduling.plugins.LoraAffinityFilter;
import io.infergate.scheduler.scheduling.plugins.LowQueueFilter;
import io.infergate.scheduler.scheduling.plugins.MaxScorePicker;
import io.infergate.scheduler.scheduling.plugins.PrefixCacheScorer;
import io.infergate.scheduler.scheduling.plugins.RandomPicker;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GIE v0.5.1's two shipped configurations (example 1.6f): the filter tree and the 1:1:1 scorers. */
class ExampleFTest {

    private static SchedulerSetup filterTree(SchedulerSetupFactory.Options options) {
        return SchedulerSetupFactory.build(Epc.exampleF("default-plugins.yaml"), null, options);
    }

    private static DecisionTreeFilter tree(SchedulerSetup setup) {
        return (DecisionTreeFilter) setup.profile().filters().get(0);
    }

    @Test
    void theFilterTreeConfigurationIsOneTreeAndARandomPicker() {
        SchedulerSetup setup = filterTree(SchedulerSetupFactory.Options.DEFAULT);

        assertThat(setup.problems()).extracting(Problem::format).isEmpty();
        SchedulerProfile p = setup.profile();
        assertThat(p.name()).isEqualTo("default");
        assertThat(p.filters())
                .extracting(f -> f.type() + ":" + f.name())
                .containsExactly("decision-tree-filter:low-latency-filter");
        assertThat(p.scorers()).isEmpty();
        assertThat(p.picker()).isInstanceOf(RandomPicker.class);
        assertThat(p.picker().name()).isEqualTo("random-picker");
        assertThat(p.maxEndpoints()).isEqualTo(1);
        assertThat(setup.prefixHasher()).isNull();
        assertThat(setup.prefixIndex()).isNull();
        assertThat(setup.defaultConfig()).isFalse();
    }

    @Test
    void theTreeHasExampleFsShapeAndParameters() {
        DecisionTreeFilter.Node root =
                tree(filterTree(SchedulerSetupFactory.Options.DEFAULT)).root();

        // low-queue-filter (128) -> success: lora -> least-queue -> least-kv; failure: least-queue -> lora -> least-kv
        assertThat(root.current())
                .isInstanceOfSatisfying(
                        LowQueueFilter.class, f -> assertThat(f.threshold()).isEqualTo(128));
        assertThat(root.onSuccessOrFailure()).isNull();
        DecisionTreeFilter.Node s = root.onSuccess();
        assertThat(s.current())
                .isInstanceOfSatisfying(
                        LoraAffinityFilter.class, f -> assertThat(f.threshold()).isEqualTo(0.999));
        assertThat(s.onSuccess()).isNull();
        assertThat(s.onFailure()).isNull();
        assertThat(s.onSuccessOrFailure().current().name()).isEqualTo("least-queue-filter");
        assertThat(s.onSuccessOrFailure().onSuccessOrFailure().current().name()).isEqualTo("least-kv-cache-filter");
        assertThat(s.onSuccessOrFailure().onSuccessOrFailure().onSuccessOrFailure())
                .isNull();
        DecisionTreeFilter.Node f = root.onFailure();
        assertThat(f.current()).isInstanceOf(LeastBandFilter.class);
        assertThat(f.current().type()).isEqualTo("least-queue-filter");
        assertThat(f.onSuccessOrFailure().current().name()).isEqualTo("lora-affinity-filter");
        assertThat(f.onSuccessOrFailure().onSuccessOrFailure().current().type()).isEqualTo("least-kv-cache-filter");
        // one instance per declared filter, shared by both branches, as GIE shares plugins through its handle
        assertThat(f.current()).isSameAs(s.onSuccessOrFailure().current());
        assertThat(f.onSuccessOrFailure().current()).isSameAs(s.current());
    }

    @Test
    void lowQueuesGoThroughLoraAffinityThenTheLeastQueuedThenTheLeastKv() {
        DecisionTreeFilter tree = tree(filterTree(SchedulerSetupFactory.Options.DEFAULT));
        // pods 1 and 2 are under the 128 queue threshold; no adapter anywhere, every pod has room: lora keeps both;
        // least queue band over {3, 2}: 2 <= v <= 2.5 keeps pod 2
        Candidates c = candidates(metrics(200, 0.1), metrics(3, 0.9), metrics(2, 0.2), metrics(150, 0.0));
        tree.filter(ctx("m", 1), c);
        assertThat(pods(c.endpoints())).containsExactly(2);
    }

    @Test
    void whenEveryQueueIsLongTheTreeTakesTheFailureBranchOnAllPods() {
        DecisionTreeFilter tree = tree(filterTree(SchedulerSetupFactory.Options.DEFAULT));
        // nobody <= 128: least queue over all, 150 <= v <= 150 + 250/4 keeps pods 0 and 2; lora keeps both; least
        // KV over {0.4, 0.1}: 0.1 <= v <= 0.25 keeps pod 2
        Candidates c = candidates(metrics(200, 0.4), metrics(300, 0.0), metrics(150, 0.1), metrics(400, 0.0));
        tree.filter(ctx("m", 1), c);
        assertThat(pods(c.endpoints())).containsExactly(2);
    }

    @Test
    void anAdapterIsFollowedWhenNoOtherPodHasRoomForIt() {
        DecisionTreeFilter tree = tree(filterTree(SchedulerSetupFactory.Options.DEFAULT));
        // two adapters per server, all slots taken: only pods running sql-lora have affinity, nobody has room;
        // among pods 1 and 3 the least queued (pod 3) wins although pod 0 is idler
        Candidates c = candidates(
                metrics(0, 0.1, 2, "a", "b"),
                metrics(9, 0.5, 2, "sql-lora", "c"),
                metrics(1, 0.1, 2, "d", "e"),
                metrics(4, 0.5, 2, "sql-lora", "f"));
        for (long seed = 0; seed < 10; seed++) {
            Candidates copy = c.copy();
            tree.filter(ctx("sql-lora", seed), copy);
            assertThat(pods(copy.endpoints())).containsExactly(3);
        }
    }

    @Test
    void theWholeProfilePicksTheTreesSurvivorAndMinEndpointsOnlyAddsFallbacks() {
        SchedulerProfile one = filterTree(SchedulerSetupFactory.Options.DEFAULT).profile();
        SchedulerProfile three = filterTree(SchedulerSetupFactory.Options.DEFAULT.withMinEndpoints(3))
                .profile();
        assertThat(three.maxEndpoints()).isEqualTo(3);
        // the tree leaves pods 0 and 2 (least queue band), then least KV keeps both (0.1, 0.1)
        for (long seed = 0; seed < 20; seed++) {
            List<Endpoint> a = Cluster.run(
                            one,
                            ctx("m", seed),
                            candidates(metrics(1, 0.1), metrics(90, 0.2), metrics(1, 0.1), metrics(127, 0.0)))
                    .endpoints();
            List<Endpoint> b = Cluster.run(
                            three,
                            ctx("m", seed),
                            candidates(metrics(1, 0.1), metrics(90, 0.2), metrics(1, 0.1), metrics(127, 0.0)))
                    .endpoints();
            assertThat(a).hasSize(1);
            assertThat(pods(a)).containsAnyOf(0, 2);
            assertThat(b).hasSize(2).startsWith(a.get(0));
        }
    }

    @Test
    void theScorerConfigurationIsQueueKvAndPrefixAtWeightOne() {
        SchedulerSetup setup = SchedulerSetupFactory.build(Epc.exampleF("plugins-v2.yaml"), null);

        assertThat(setup.problems()).extracting(Problem::format).isEmpty();
        SchedulerProfile p = setup.profile();
        assertThat(p.filters()).isEmpty();
        assertThat(p.scorers())
                .extracting(ws -> ws.scorer().type() + ":" + ws.scorer().name() + "*" + ws.weight())
                .containsExactly(
                        "queue-scorer:queue-scorer*1.0",
                        "kv-cache-scorer:kv-cache-scorer*1.0",
                        "prefix-cache-scorer:prefix-cache-scorer*1.0");
        assertThat(p.scorers().get(1).scorer()).isInstanceOf(KvCacheUtilizationScorer.class);
        assertThat(p.picker()).isInstanceOf(MaxScorePicker.class);
        assertThat(p.maxEndpoints()).isEqualTo(1);
        // hashBlockSize 64 characters = blockSizeTokens 16: the same 64-byte blocks
        assertThat(setup.prefixHasher().blockSizeTokens()).isEqualTo(16);
        assertThat(setup.prefixHasher().blockBytes()).isEqualTo(64);
        assertThat(setup.prefixHasher().maxPrefixBlocks()).isEqualTo(256);
        assertThat(setup.prefixIndex().defaultCapacity()).isEqualTo(31250);
        PrefixCacheScorer prefix = (PrefixCacheScorer) p.scorers().get(2).scorer();
        assertThat(prefix.index()).isSameAs(setup.prefixIndex());
        assertThat(prefix.hasher()).isSameAs(setup.prefixHasher());
        assertThat(prefix.autoTune()).isTrue();
    }

    @Test
    void theScorerConfigurationRanksGiesWorkedExampleWithEqualWeights() {
        SchedulerSetup setup = SchedulerSetupFactory.build(Epc.exampleF("plugins-v2.yaml"), null);
        PrefixHasher hasher = setup.prefixHasher();
        byte[] prompt = Cluster.prompt(hasher, 10);
        long[] hashes = hasher.hash("m", "", prompt, 0, prompt.length);
        setup.prefixIndex().add(Cluster.endpoint(1), Arrays.copyOf(hashes, 5));
        setup.prefixIndex().add(Cluster.endpoint(2), hashes);

        ProfileResult.Chosen r = Cluster.run(
                setup.profile(),
                ctx("m", prompt, hasher, 1),
                candidates(metrics(0, 0.2), metrics(5, 0.5), metrics(10, 0.9)));

        // 1·1.0 + 1·0.8 + 1·0 = 1.8; 0.5 + 0.5 + 0.5 = 1.5; 0 + 0.1 + 1.0 = 1.1
        assertThat(r.explanation().totals()).containsExactly(new double[] {1.8, 1.5, 1.1}, within(1e-9));
        assertThat(pods(r.endpoints())).containsExactly(0);
        assertThat(setup.profile().scorers()).extracting(WeightedScorer::weight).containsOnly(1.0);
    }
}
