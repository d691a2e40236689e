package io.infergate.scheduler.scheduling.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.Problem;
import io.infergate.api.load.EndpointPickerConfigResult;
import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Filter;
import io.infergate.scheduler.scheduling.SchedulerProfile;
import io.infergate.scheduler.scheduling.plugins.MaxScorePicker;
import io.infergate.scheduler.scheduling.plugins.PrefixCacheScorer;
import io.infergate.scheduler.scheduling.plugins.WeightedRandomPicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each of GIE's defaulting rules (v1.5.0 {@code pkg/epp/config/loader/defaults.go}), one configuration at a time. */
class DefaultingTest {

    private static List<String> filters(SchedulerProfile p) {
        return p.filters().stream().map(f -> f.type() + ":" + f.name()).toList();
    }

    private static List<String> scorers(SchedulerProfile p) {
        return p.scorers().stream()
                .map(s -> s.scorer().name() + "*" + s.weight())
                .toList();
    }

    private static List<String> formatted(SchedulerSetup s) {
        return s.problems().stream().map(Problem::format).toList();
    }

    // --- no profiles: a "default" profile of every filter, scorer and picker

    @Test
    void withoutProfilesEveryFilterScorerAndPickerFormsTheDefaultProfileInDeclarationOrder() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: queue-scorer
                - type: low-queue-filter
                - name: detector
                  type: utilization-detector
                  parameters:
                    headroom: 0.5
                - type: random-picker
                - type: kv-cache-utilization-scorer
                - type: openai-parser
                """);

        assertThat(formatted(s)).isEmpty();
        SchedulerProfile p = s.profile();
        assertThat(p.name()).isEqualTo("default");
        // GIE's detector is a filter too, so it lands in the default profile
        assertThat(filters(p)).containsExactly("low-queue-filter:low-queue-filter", "utilization-detector:detector");
        assertThat(scorers(p)).containsExactly("queue-scorer*1.0", "kv-cache-utilization-scorer*1.0");
        assertThat(p.picker().name()).isEqualTo("random-picker");
        // saturationDetector defaults to the plugin named utilization-detector, which GIE then creates
        assertThat(s.saturationDetector()).isEqualTo(UtilizationSaturationDetector.Config.DEFAULT);
    }

    @Test
    void withoutProfilesATreesFiltersAlsoRunOnTheirOwnAndAWarningSaysSo() {
        String body = """
                plugins:
                - type: low-queue-filter
                - type: least-queue-filter
                - name: tree
                  type: decision-tree-filter
                  parameters:
                    current: {pluginRef: low-queue-filter}
                    nextOnSuccessOrFailure: {pluginRef: least-queue-filter}
                """;
        SchedulerSetup s = Epc.build(body);

        assertThat(filters(s.profile()))
                .containsExactly(
                        "low-queue-filter:low-queue-filter",
                        "least-queue-filter:least-queue-filter",
                        "decision-tree-filter:tree");
        assertThat(s.profile().picker()).isInstanceOf(MaxScorePicker.class);
        assertThat(s.warnings()).extracting(Problem::field).containsExactly("plugins[0]", "plugins[1]");
        assertThat(s.warnings().get(0).location().line()).isEqualTo(Epc.lineOf(body, "- type: low-queue-filter"));
        assertThat(s.warnings().get(0).message())
                .startsWith("filter \"low-queue-filter\" runs on its own in the"
                        + " default profile as well as inside decision tree \"tree\"");
    }

    @Test
    void withoutProfilesTwoPickersAreAnError() {
        String body = """
                plugins:
                - type: random-picker
                - type: max-score-picker
                """;
        SchedulerSetup s = Epc.build(body);

        assertThat(s.hasErrors()).isTrue();
        assertThat(s.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("plugins[1]");
            assertThat(e.location().line()).isEqualTo(Epc.lineOf(body, "- type: max-score-picker"));
            assertThat(e.message()).startsWith("a second picker \"max-score-picker\" (first: \"random-picker\")");
        });
    }

    // --- one profile, no handler; profiles

    @Test
    void oneProfileNeedsNoHandlerAndGetsAMaxScorePickerWhenNoneIsDeclared() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: queue-scorer
                schedulingProfiles:
                - name: p
                  plugins:
                  - pluginRef: queue-scorer
                """);

        assertThat(formatted(s)).isEmpty();
        assertThat(s.profile().name()).isEqualTo("p");
        assertThat(s.profile().picker()).isInstanceOf(MaxScorePicker.class);
        assertThat(s.profile().picker().name()).isEqualTo("max-score-picker");
        assertThat(s.profile().maxEndpoints()).isEqualTo(1);
    }

    @Test
    void aProfileWithoutAPickerGetsTheDeclaredOneWithItsEndpointCount() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: queue-scorer
                - name: wr
                  type: weighted-random-picker
                  parameters:
                    maxNumOfEndpoints: 2
                schedulingProfiles:
                - name: p
                  plugins:
                  - pluginRef: queue-scorer
                """);

        assertThat(formatted(s)).isEmpty();
        assertThat(s.profile().picker()).isInstanceOf(WeightedRandomPicker.class);
        assertThat(s.profile().picker().name()).isEqualTo("wr");
        assertThat(s.profile().maxEndpoints()).isEqualTo(2);
    }

    @Test
    void withSeveralDeclaredPickersAPickerlessProfileTakesTheFirstAndIsWarned() {
        String body = """
                plugins:
                - type: queue-scorer
                - type: random-picker
                - type: max-score-picker
                schedulingProfiles:
                - name: p
                  plugins:
                  - pluginRef: queue-scorer
                """;
        SchedulerSetup s = Epc.build(body);

        assertThat(s.profile().picker().name()).isEqualTo("random-picker");
        assertThat(s.problems()).singleElement().satisfies(w -> {
            assertThat(w.isError()).isFalse();
            assertThat(w.field()).isEqualTo("schedulingProfiles[0]");
            assertThat(w.location().line()).isEqualTo(Epc.lineOf(body, "- name: p"));
            assertThat(w.message())
                    .contains("GIE gives it one of them, chosen arbitrarily; Infergate takes the"
                            + " first, \"random-picker\"");
        });
    }

    @Test
    void aScorerWithoutWeightWeighsOneAndWrittenWeightsAreKept() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: queue-scorer
                - type: kv-cache-utilization-scorer
                - type: running-requests-size-scorer
                schedulingProfiles:
                - name: p
                  plugins:
                  - pluginRef: queue-scorer
                  - pluginRef: kv-cache-utilization-scorer
                    weight: 2.5
                  - pluginRef: running-requests-size-scorer
                    weight: 0
                """);

        assertThat(scorers(s.profile()))
                .containsExactly(
                        "queue-scorer*1.0", "kv-cache-utilization-scorer*2.5", "running-requests-size-scorer*0.0");
    }

    @Test
    void moreThanOneProfileIsAnErrorReportedOnce() {
        String body = """
                plugins:
                - type: queue-scorer
                schedulingProfiles:
                - name: a
                  plugins:
                  - pluginRef: queue-scorer
                - name: b
                  plugins:
                  - pluginRef: queue-scorer
                """;
        EndpointPickerConfigResult r = Epc.load(body);
        SchedulerSetup s = SchedulerSetupFactory.build(r, null);

        assertThat(s.hasErrors()).isTrue();
        assertThat(s.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("schedulingProfiles[1]");
            assertThat(e.location().line()).isEqualTo(Epc.lineOf(body, "- name: b"));
        });
        // without the loader's problems, the factory says it itself
        List<Problem> sink = new ArrayList<>();
        SchedulerSetup own = SchedulerSetupFactory.build(
                r.config().orElseThrow(), "", r::locate, sink::add, null, SchedulerSetupFactory.Options.DEFAULT);
        assertThat(own.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("schedulingProfiles[1]");
            assertThat(e.message())
                    .startsWith(
                            "2 scheduling profiles (expected: one; Infergate has only the" + " single-profile-handler");
        });
        assertThat(sink).isEqualTo(own.problems());
    }

    // --- the picker's endpoint count and the gateway's fallbacks

    @Test
    void minEndpointsRaisesTheEndpointCountButNeverLowersIt() {
        String body = """
                plugins:
                - type: queue-scorer
                - type: max-score-picker
                  parameters:
                    maxNumOfEndpoints: %d
                """;
        SchedulerSetupFactory.Options three = SchedulerSetupFactory.Options.DEFAULT.withMinEndpoints(3);
        assertThat(Epc.build(body.formatted(1), three).profile().maxEndpoints()).isEqualTo(3);
        assertThat(Epc.build(body.formatted(5), three).profile().maxEndpoints()).isEqualTo(5);
        assertThat(Epc.build(body.formatted(2)).profile().maxEndpoints()).isEqualTo(2);
        assertThatThrownBy(() -> SchedulerSetupFactory.Options.DEFAULT.withMinEndpoints(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minEndpoints: 0");
    }

    // --- the prefix producer that comes with a prefix scorer

    @Test
    void aPrefixScorerBringsItsProducerWithTheScorersParameters() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    blockSizeTokens: 32
                    maxPrefixTokensToMatch: 1024
                    lruCapacityPerServer: 1000
                """);

        assertThat(formatted(s)).isEmpty();
        assertThat(s.prefixHasher().blockSizeTokens()).isEqualTo(32);
        assertThat(s.prefixHasher().maxPrefixBlocks()).isEqualTo(32); // 1024 tokens / 32
        assertThat(s.prefixIndex().defaultCapacity()).isEqualTo(1000);
        PrefixCacheScorer scorer =
                (PrefixCacheScorer) s.profile().scorers().get(0).scorer();
        assertThat(scorer.hasher()).isSameAs(s.prefixHasher());
        assertThat(scorer.index()).isSameAs(s.prefixIndex());
    }

    @Test
    void aDeclaredProducerDecidesAndTheScorersParametersAreIgnoredWithAWarning() {
        String body = """
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    blockSizeTokens: 32
                - type: approx-prefix-cache-producer
                  parameters:
                    blockSizeTokens: 8
                """;
        SchedulerSetup s = Epc.build(body);

        assertThat(s.prefixHasher().blockSizeTokens()).isEqualTo(8);
        assertThat(s.problems()).singleElement().satisfies(w -> {
            assertThat(w.isError()).isFalse();
            assertThat(w.field()).isEqualTo("plugins[0].parameters");
            assertThat(w.message())
                    .startsWith("ignored: the approx-prefix-cache-producer"
                            + " approx-prefix-cache-producer (plugins[1]) decides how prompts are hashed");
        });
    }

    @Test
    void withTwoPrefixScorersTheLastOnesParametersHashForBoth() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - name: a
                  type: prefix-cache-scorer
                  parameters:
                    blockSizeTokens: 32
                - name: b
                  type: prefix-cache-scorer
                  parameters:
                    blockSizeTokens: 64
                """);

        assertThat(s.prefixHasher().blockSizeTokens()).isEqualTo(64);
        assertThat(s.profile().scorers())
                .extracting(ws -> ((PrefixCacheScorer) ws.scorer()).hasher())
                .containsOnly(s.prefixHasher());
        assertThat(s.warnings()).singleElement().satisfies(w -> {
            assertThat(w.field()).isEqualTo("plugins[0].parameters");
            assertThat(w.message()).contains("the parameters of the last prefix-cache-scorer, b (plugins[1])");
        });
    }

    @Test
    void aPoolsExistingIndexKeepsItsCapacityAndAWarningSaysSo() {
        PrefixIndex index = new PrefixIndex();
        String body = """
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    lruCapacityPerServer: 1000
                """;
        SchedulerSetup s = SchedulerSetupFactory.build(Epc.load(body), index);

        assertThat(s.prefixIndex()).isSameAs(index);
        assertThat(s.warnings()).singleElement().satisfies(w -> {
            assertThat(w.field()).isEqualTo("plugins[0].parameters.lruCapacityPerServer");
            assertThat(w.location().line()).isEqualTo(Epc.lineOf(body, "lruCapacityPerServer: 1000"));
            assertThat(w.message()).startsWith("not applied: the pool's prefix index already exists with 31250");
        });
    }

    @Test
    void withoutAPrefixScorerInTheProfileThereIsNoHasher() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: queue-scorer
                """);
        assertThat(s.prefixHasher()).isNull();
        assertThat(s.prefixIndex()).isNull();
    }

    // --- saturation detector, flow control, data layer

    @Test
    void theSaturationDetectorIsTheReferencedUtilizationDetector() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: queue-scorer
                - name: sd
                  type: utilization-detector
                  parameters:
                    queueDepthThreshold: 8
                    kvCacheUtilThreshold: 0.9
                    metricsStalenessThreshold: 1s
                schedulingProfiles:
                - name: p
                  plugins:
                  - pluginRef: queue-scorer
                saturationDetector:
                  pluginRef: sd
                """);

        assertThat(formatted(s)).isEmpty();
        assertThat(s.saturationDetector())
                .isEqualTo(new UtilizationSaturationDetector.Config(8, 0.9, Duration.ofSeconds(1), 0.0));
        assertThat(s.profile().filters()).isEmpty(); // a detector is a filter only where a profile names it
    }

    @Test
    void aProfileMayNameTheDetectorAsAFilterEvenWhenGieCreatesIt() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: queue-scorer
                schedulingProfiles:
                - name: p
                  plugins:
                  - pluginRef: utilization-detector
                  - pluginRef: queue-scorer
                """);

        assertThat(formatted(s)).isEmpty();
        assertThat(filters(s.profile())).containsExactly("utilization-detector:utilization-detector");
        // fresh pods under 5 queued and 80% KV pass; pod 1 does not; when none passes, all stay (fail open)
        Filter f = s.profile().filters().get(0);
        var c = Cluster.candidates(Cluster.metrics(4, 0.79), Cluster.metrics(5, 0.1), Cluster.metrics(0, 0.0));
        f.filter(Cluster.ctx("m", 1), c);
        assertThat(Cluster.pods(c.endpoints())).containsExactly(0, 2);
        var all = Cluster.candidates(Cluster.metrics(9, 0.9), Cluster.metrics(5, 0.1));
        f.filter(Cluster.ctx("m", 1), all);
        assertThat(Cluster.pods(all.endpoints())).containsExactly(0, 1);
    }

    @Test
    void flowControlNeedsItsFeatureGate() {
        String section = """
                plugins:
                - type: queue-scorer
                flowControl:
                  maxRequests: 10
                """;
        SchedulerSetup off = Epc.build(section);
        assertThat(off.flowControl()).isNull();
        assertThat(off.warnings()).extracting(Problem::field).containsExactly("flowControl"); // the loader's

        SchedulerSetup on = Epc.build("featureGates: [flowControl]\n" + section);
        assertThat(on.flowControl().maxRequests()).isEqualTo(10);
        assertThat(on.flowControl().defaultBand()).isEqualTo(FlowControlConfig.DEFAULT.defaultBand());

        SchedulerSetup noSection = Epc.build("""
                featureGates: [flowControl]
                plugins:
                - type: queue-scorer
                """);
        assertThat(noSection.flowControl()).isEqualTo(FlowControlConfig.DEFAULT);
    }

    @Test
    void aDataLayerWithoutSourcesTurnsMetricsOffAndADeclaredSourceIsUsed() {
        SchedulerSetup off = Epc.build("""
                plugins:
                - type: queue-scorer
                dataLayer:
                  sources: []
                """);
        assertThat(formatted(off)).isEmpty();
        assertThat(off.metricsSource()).isNull();

        SchedulerSetup https = Epc.build("""
                plugins:
                - type: queue-scorer
                - type: metrics-data-source
                  parameters:
                    scheme: https
                    path: /stats
                    insecureSkipVerify: false
                """);
        assertThat(formatted(https)).isEmpty();
        assertThat(https.metricsSource()).isEqualTo(new SchedulerSetup.MetricsSource("https", "/stats", false));
    }

    // --- the scheduler

    @Test
    void aSetupMakesASchedulerAndASetupWithErrorsDoesNot() {
        SchedulerSetup ok = Epc.build("""
                plugins:
                - type: queue-scorer
                """);
        var scheduler = ok.scheduler(
                new Datastore(e -> "vllm"), new InFlightTracker(), () -> Cluster.NOW, () -> new SplittableRandom(1));
        assertThat(scheduler.profile()).isSameAs(ok.profile());

        SchedulerSetup bad = Epc.build("""
                plugins:
                - type: latency-scorer
                """);
        assertThat(bad.profile()).isNull();
        assertThat(bad.saturationDetector()).isNull();
        assertThatThrownBy(() -> bad.scheduler(
                        new Datastore(e -> "vllm"), new InFlightTracker(), () -> 0, () -> new SplittableRandom(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("latency-scorer is not supported by Infergate yet");
    }
}
