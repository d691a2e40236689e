package io.infergate.scheduler.scheduling.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Problem;
import io.infergate.api.Severity;
import io.infergate.api.load.EndpointPickerConfigLoader;
import io.infergate.api.load.ManifestLoader;
import io.infergate.scheduler.scheduling.plugins.LoraAffinityFilter;
import io.infergate.scheduler.scheduling.plugins.LowQueueFilter;
import io.infergate.scheduler.scheduling.plugins.SessionAffinityScorer;
import io.infergate.scheduler.scheduling.plugins.TokenLoadScorer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Plugin parameters: defaults, GIE's names, and problems that name the file, line, column and field. */
class ParametersTest {

    /** The single problem of {@code body}'s setup, formatted, with {@code needle}'s line and column. */
    private static void onlyProblem(String body, String needle, Severity severity, String field, String message) {
        onlyProblem(body, needle, needle, severity, field, message);
    }

    /** The same where {@code lineNeedle} finds the line and {@code value} the column in it. */
    private static void onlyProblem(
            String body, String lineNeedle, String value, Severity severity, String field, String message) {
        SchedulerSetup s = Epc.build(body);
        String text = Epc.HEADER + body;
        int line = Epc.lineOf(body, lineNeedle);
        String l = text.split("\n", -1)[line - 1];
        int column = l.indexOf(value, l.indexOf(lineNeedle)) + 1;
        assertThat(s.problems())
                .extracting(Problem::format)
                .containsExactly(
                        Epc.FILE + ":" + line + ":" + column + ": " + severity.label() + ": " + field + ": " + message);
        assertThat(s.hasErrors()).isEqualTo(severity == Severity.ERROR);
    }

    @Test
    void aValueOfTheWrongTypeIsAnErrorAtTheValue() {
        onlyProblem(
                """
                plugins:
                - type: low-queue-filter
                  parameters:
                    threshold: "128"
                """,
                "\"128\"",
                Severity.ERROR,
                "plugins[0].parameters.threshold",
                "found string \"128\" (expected: an integer)");
    }

    @Test
    void anUnknownParameterIsAWarningListingTheKnownOnes() {
        onlyProblem(
                """
                plugins:
                - type: low-queue-filter
                  parameters:
                    treshold: 64
                """,
                "64",
                Severity.WARNING,
                "plugins[0].parameters.treshold",
                "unknown parameter \"treshold\" (accepted: threshold)");
        onlyProblem(
                """
                plugins:
                - type: queue-scorer
                  parameters:
                    weight: 2
                """,
                "2",
                Severity.WARNING,
                "plugins[0].parameters.weight",
                "unknown parameter \"weight\" (accepted: none)");
    }

    @Test
    void filterThresholdsDefaultAsInGieAndAreRead() {
        SchedulerSetup defaults = Epc.build("""
                plugins:
                - type: low-queue-filter
                - type: lora-affinity-filter
                """);
        assertThat(defaults.profile().filters())
                .satisfiesExactly(
                        f -> assertThat(((LowQueueFilter) f).threshold()).isEqualTo(128),
                        f -> assertThat(((LoraAffinityFilter) f).threshold()).isEqualTo(0.999));
        SchedulerSetup set = Epc.build("""
                plugins:
                - type: low-queue-filter
                  parameters:
                    threshold: 5
                - type: lora-affinity-filter
                  parameters:
                    threshold: 1
                """);
        assertThat(set.problems()).isEmpty();
        assertThat(((LowQueueFilter) set.profile().filters().get(0)).threshold())
                .isEqualTo(5);
        assertThat(((LoraAffinityFilter) set.profile().filters().get(1)).threshold())
                .isEqualTo(1.0);
        onlyProblem("""
                plugins:
                - type: lora-affinity-filter
                  parameters:
                    threshold: 1.5
                """, "1.5", Severity.ERROR, "plugins[0].parameters.threshold", "found 1.5 (expected: 0.0..1.0)");
    }

    @Test
    void aPickerCountBelowOneFallsBackToOneAsInGie() {
        String body = """
                plugins:
                - type: max-score-picker
                  parameters:
                    maxNumOfEndpoints: 0
                """;
        onlyProblem(
                body,
                "0",
                Severity.WARNING,
                "plugins[0].parameters.maxNumOfEndpoints",
                "found 0 (expected: >= 1); GIE falls back to 1 endpoint, as here");
        assertThat(Epc.build(body).profile().maxEndpoints()).isEqualTo(1);
    }

    // --- prefix

    @Test
    void v05sHashBlockSizeCountsCharacters() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    hashBlockSize: 128
                """);
        assertThat(s.problems()).isEmpty();
        assertThat(s.prefixHasher().blockSizeTokens()).isEqualTo(32);
        assertThat(s.prefixHasher().blockBytes()).isEqualTo(128);

        onlyProblem(
                """
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    hashBlockSize: 66
                """,
                "66",
                Severity.WARNING,
                "plugins[0].parameters.hashBlockSize",
                "66 characters is not a whole number of tokens: blocks are 64 characters (blockSizeTokens: 16,"
                        + " tokens of 4 characters)");
        onlyProblem(
                """
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    blockSizeTokens: 8
                    hashBlockSize: 64
                """,
                "64",
                Severity.WARNING,
                "plugins[0].parameters.hashBlockSize",
                "ignored: blockSizeTokens is set (hashBlockSize is GIE v0.5's block size in characters;"
                        + " blockSizeTokens replaced it)");
        onlyProblem(
                """
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    hashBlockSize: 3
                """,
                "3",
                Severity.ERROR,
                "plugins[0].parameters.hashBlockSize",
                "found 3 (expected: 4..4194304 characters; blocks are whole tokens of 4 characters)");
    }

    @Test
    void prefixValuesThatWouldSilentlyMatchNothingAreErrors() {
        onlyProblem(
                """
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    blockSizeTokens: 0
                """, "0", Severity.ERROR, "plugins[0].parameters.blockSizeTokens", "found 0 (expected: 1..1048576)");
        onlyProblem(
                """
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    maxPrefixTokensToMatch: 8
                """,
                "maxPrefixTokensToMatch: 8",
                "8",
                Severity.ERROR,
                "plugins[0].parameters.maxPrefixTokensToMatch",
                "found 8 (expected: 0 for maxPrefixBlocksToMatch, or 16..16777216 tokens, 1..1048576 blocks of 16"
                        + " tokens; fewer than one block would match nothing)");
        onlyProblem(
                """
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    lruCapacityPerServer: -1
                """,
                "-1",
                Severity.ERROR,
                "plugins[0].parameters.lruCapacityPerServer",
                "found -1 (expected: 1..2147483647)");
    }

    @Test
    void theProducersProblemsAreReportedOnceThoughItsParametersAreReadTwice() {
        onlyProblem(
                """
                plugins:
                - type: prefix-cache-scorer
                  parameters:
                    autoTune: "yes"
                """,
                "\"yes\"",
                Severity.ERROR,
                "plugins[0].parameters.autoTune",
                "found string \"yes\" (expected: a boolean)");
    }

    // --- detector

    @Test
    void detectorParametersAreCheckedAsGieChecksThem() {
        onlyProblem(
                """
                plugins:
                - type: utilization-detector
                  parameters:
                    kvCacheUtilThreshold: 0
                """,
                "0",
                Severity.ERROR,
                "plugins[0].parameters.kvCacheUtilThreshold",
                "found 0.0 (expected: a fraction in (0, 1])");
        onlyProblem(
                """
                plugins:
                - type: utilization-detector
                  parameters:
                    queueDepthThreshold: 0
                """,
                "0",
                Severity.ERROR,
                "plugins[0].parameters.queueDepthThreshold",
                "found 0 (expected: 1..2147483647)");
        onlyProblem(
                """
                plugins:
                - type: utilization-detector
                  parameters:
                    metricsStalenessThreshold: 0s
                """,
                "0s",
                Severity.ERROR,
                "plugins[0].parameters.metricsStalenessThreshold",
                "found PT0S (expected: a duration > 0)");
        onlyProblem(
                """
                plugins:
                - type: utilization-detector
                  parameters:
                    metricsStalenessThreshold: 200
                """,
                "200",
                Severity.ERROR,
                "plugins[0].parameters.metricsStalenessThreshold",
                "found integer 200 (expected: a Go duration such as 200ms, 1.5s, 5m or 1h30m (units: ns, us, ms, s,"
                        + " m, h), quoted if YAML would read it as a number)");
        onlyProblem(
                """
                plugins:
                - type: utilization-detector
                  parameters:
                    headroom: 20
                """,
                "20",
                Severity.WARNING,
                "plugins[0].parameters.headroom",
                "unusually high: 20.0 lets endpoints take 21.0 times the thresholds (expected: a fraction, e.g. 0.2"
                        + " for 20%, not a percentage)");
    }

    // --- decision trees

    @Test
    void aTreeWithoutCurrentIsAnError() {
        onlyProblem(
                """
                plugins:
                - type: decision-tree-filter
                  parameters:
                    nextOnSuccess: {pluginRef: low-queue-filter}
                - type: low-queue-filter
                """,
                "nextOnSuccess",
                Severity.ERROR,
                "plugins[0].parameters.current",
                "missing (expected: the filter to run first, {pluginRef: <filter>} or {decisionTree: {...}})");
    }

    @Test
    void aTreeReferenceMustNameADeclaredFilter() {
        onlyProblem(
                """
                plugins:
                - type: decision-tree-filter
                  parameters:
                    current: {pluginRef: low-queue}
                - type: low-queue-filter
                """,
                "low-queue}",
                Severity.ERROR,
                "plugins[0].parameters.current.pluginRef",
                "plugin \"low-queue\" is not declared (declared: decision-tree-filter, low-queue-filter)");
        onlyProblem(
                """
                plugins:
                - type: decision-tree-filter
                  parameters:
                    current: {pluginRef: queue-scorer}
                - type: queue-scorer
                """,
                "queue-scorer}",
                Severity.ERROR,
                "plugins[0].parameters.current.pluginRef",
                "plugin \"queue-scorer\" has type queue-scorer, which is not a filter (expected: a plugin of type"
                        + " utilization-detector, low-queue-filter, lora-affinity-filter, least-queue-filter,"
                        + " least-kv-cache-filter, decision-tree-filter, sticky-lora-affinity-filter)");
    }

    @Test
    void aTreeEntryIsEitherARefOrANestedTree() {
        onlyProblem(
                """
                plugins:
                - type: low-queue-filter
                - type: decision-tree-filter
                  parameters:
                    current:
                      pluginRef: low-queue-filter
                      decisionTree: {current: {pluginRef: low-queue-filter}}
                """,
                "{current:",
                Severity.ERROR,
                "plugins[1].parameters.current.decisionTree",
                "both pluginRef and decisionTree are given (expected: exactly one)");
        onlyProblem(
                """
                plugins:
                - type: decision-tree-filter
                  parameters:
                    current: {}
                """,
                "{}",
                Severity.ERROR,
                "plugins[0].parameters.current",
                "neither pluginRef nor decisionTree is given (expected: {pluginRef: <filter>} or {decisionTree:"
                        + " {current: ...}})");
    }

    @Test
    void aTreeCannotContainItself() {
        onlyProblem(
                """
                plugins:
                - name: loop
                  type: decision-tree-filter
                  parameters:
                    current: {pluginRef: low-queue-filter}
                    nextOnFailure: {pluginRef: loop}
                - type: low-queue-filter
                """,
                "loop}",
                Severity.ERROR,
                "plugins[0].parameters.nextOnFailure.pluginRef",
                "plugin \"loop\" is a decision tree that contains this reference: a tree cannot contain itself");
    }

    @Test
    void nestedTreesAndForwardReferencesBuild() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - name: outer
                  type: decision-tree-filter
                  parameters:
                    current:
                      decisionTree:
                        current: {pluginRef: inner}
                    nextOnSuccess: {pluginRef: least-kv-cache-filter}
                - name: inner
                  type: decision-tree-filter
                  parameters:
                    current: {pluginRef: low-queue-filter}
                    colour: blue
                - type: low-queue-filter
                  parameters: {threshold: 10}
                - type: least-kv-cache-filter
                schedulingProfiles:
                - name: p
                  plugins:
                  - pluginRef: outer
                """);
        assertThat(s.problems())
                .extracting(Problem::format)
                .containsExactly(Epc.FILE + ":" + Epc.lineOf("""
                plugins:
                - name: outer
                  type: decision-tree-filter
                  parameters:
                    current:
                      decisionTree:
                        current: {pluginRef: inner}
                    nextOnSuccess: {pluginRef: least-kv-cache-filter}
                - name: inner
                  type: decision-tree-filter
                  parameters:
                    current: {pluginRef: low-queue-filter}
                    colour: blue
                """, "colour")
                        + ":13: warning: plugins[1].parameters.colour: unknown parameter \"colour\""
                        + " (accepted: current, nextOnSuccess, nextOnFailure, nextOnSuccessOrFailure)");
        // queues 3, 20, 1 with KV 0.5, 0.0, 0.1: the low queue (<= 10) keeps pods 0 and 2, least KV keeps pod 2
        var c = Cluster.candidates(Cluster.metrics(3, 0.5), Cluster.metrics(20, 0.0), Cluster.metrics(1, 0.1));
        s.profile().filters().get(0).filter(Cluster.ctx("m", 1), c);
        assertThat(Cluster.pods(c.endpoints())).containsExactly(2);
    }

    // --- the rest

    @Test
    void ourScorersTakeTheirParameters() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: session-affinity-scorer
                  parameters:
                    maxSessions: 10
                - type: token-load-scorer
                  parameters:
                    queueThresholdTokens: 1000
                """);
        assertThat(s.problems()).isEmpty();
        assertThat(((SessionAffinityScorer) s.profile().scorers().get(0).scorer()).maxSessions())
                .isEqualTo(10);
        assertThat(((TokenLoadScorer) s.profile().scorers().get(1).scorer()).queueThresholdTokens())
                .isEqualTo(1000);
        onlyProblem("""
                plugins:
                - type: session-affinity-scorer
                  parameters:
                    maxSessions: 0
                """, "0", Severity.ERROR, "plugins[0].parameters.maxSessions", "found 0 (expected: 1..2147483647)");
        onlyProblem(
                """
                plugins:
                - type: token-load-scorer
                  parameters:
                    queueThresholdTokens: 0
                """,
                "0",
                Severity.WARNING,
                "plugins[0].parameters.queueThresholdTokens",
                "found 0 (expected: > 0); GIE falls back to the default 4194304, as here");
    }

    @Test
    void acceptedPluginsCheckWhatTheyCannotApply() {
        onlyProblem(
                """
                plugins:
                - type: queue-scorer
                - type: static-usage-limit-policy
                  parameters:
                    threshold: 0.5
                """,
                "0.5",
                Severity.ERROR,
                "plugins[1].parameters.threshold",
                "a usage limit of 0.5 is not supported by Infergate yet (expected: 1.0, GIE's default: dispatch while"
                        + " the saturation detector finds the pool below saturation)");
        SchedulerSetup extractor = Epc.build("""
                plugins:
                - type: queue-scorer
                - type: core-metrics-extractor
                  parameters:
                    engineLabelKey: engine
                """);
        assertThat(extractor.problems()).isEmpty();
        assertThat(extractor.metricsExtractor().engineLabelKey()).isEqualTo("engine"); // applied: see its own test
        onlyProblem(
                """
                plugins:
                - type: queue-scorer
                - type: metrics-data-source
                  parameters:
                    scheme: ftp
                """, "ftp", Severity.ERROR, "plugins[1].parameters.scheme", "found \"ftp\" (expected: http or https)");
        onlyProblem(
                """
                plugins:
                - type: queue-scorer
                - type: openai-parser
                  parameters:
                    strict: true
                """,
                "true",
                Severity.WARNING,
                "plugins[1].parameters.strict",
                "unknown parameter \"strict\" (accepted: none)");
    }

    @Test
    void problemsInAConfigMapValuePointIntoTheManifestFile() {
        // the filter-tree value of example f with a typo, written into the fixture's text at the same place
        String text = Epc.read(Epc.EXAMPLE_F).replace("        threshold: 128", "        threshold: 12x");
        var manifests = ManifestLoader.load(Epc.EXAMPLE_F.toString(), text);
        var cm = manifests.manifests().configMaps().stream()
                .filter(c -> c.metadata().name().equals("plugins-config"))
                .findFirst()
                .orElseThrow();
        var r = EndpointPickerConfigLoader.fromConfigMap(
                manifests.manifests(), cm, "default-plugins.yaml", Optional.of(text));
        SchedulerSetup s = SchedulerSetupFactory.build(r, null);

        int line = List.of(text.split("\n", -1)).indexOf("        threshold: 12x") + 1;
        assertThat(s.problems())
                .extracting(Problem::format)
                .containsExactly(Epc.EXAMPLE_F + ":" + line + ":20:"
                        + " error: ConfigMap/plugins-config: plugins[0].parameters.threshold: found string \"12x\""
                        + " (expected: an integer)");
    }
}
