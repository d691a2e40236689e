package io.infergate.scheduler.scheduling.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Problem;
import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.plugins.TokenLoadScorer;
import org.junit.jupiter.api.Test;

/** Which GIE types Infergate builds, and what happens to the rest. */
class PluginRegistryTest {

    @Test
    void everyTypeOfTheSharedListIsEitherSupportedOrNot() {
        PluginRegistry r = PluginRegistry.STANDARD;
        assertThat(r.supportedTypes())
                .containsExactly(
                        "queue-scorer",
                        "kv-cache-utilization-scorer",
                        "running-requests-size-scorer",
                        "lora-affinity-scorer",
                        "prefix-cache-scorer",
                        "token-load-scorer",
                        "max-score-picker",
                        "random-picker",
                        "weighted-random-picker",
                        "single-profile-handler",
                        "approx-prefix-cache-producer",
                        "inflight-load-producer",
                        "global-strict-fairness-policy",
                        "round-robin-fairness-policy",
                        "fcfs-ordering-policy",
                        "static-usage-limit-policy",
                        "utilization-detector",
                        "openai-parser",
                        "metrics-data-source",
                        "core-metrics-extractor",
                        "low-queue-filter",
                        "lora-affinity-filter",
                        "least-queue-filter",
                        "least-kv-cache-filter",
                        "decision-tree-filter",
                        "kv-cache-scorer",
                        "in-flight-requests-scorer",
                        "in-flight-tokens-scorer",
                        "session-affinity-scorer",
                        "prefill-queue-scorer",
                        "least-recently-picked-scorer",
                        "sticky-lora-affinity-filter");
        assertThat(r.unsupportedTypes())
                .containsExactly(
                        "latency-scorer",
                        "predicted-latency-scorer",
                        "prefix-cache-affinity-filter",
                        "slo-headroom-tier-filter",
                        "header-based-testing-filter",
                        "predicted-latency-producer",
                        "latency-slo-admitter",
                        "request-attribute-reporter",
                        "destination-endpoint-served-verifier",
                        "edf-ordering-policy",
                        "slo-deadline-ordering-policy",
                        "concurrency-detector",
                        "vllmgrpc-parser",
                        "passthrough-parser",
                        "k8s-notification-source",
                        "endpoint-notification-source");
        assertThat(r.supportedTypes().size() + r.unsupportedTypes().size()).isEqualTo(PluginTypes.NAMES.size());
    }

    @Test
    void anUnsupportedTypeIsAnErrorAtItsTypeEvenWhenUnused() {
        String body = """
                plugins:
                - type: queue-scorer
                - type: concurrency-detector
                - name: lat
                  type: latency-scorer
                - type: vllmgrpc-parser
                schedulingProfiles:
                - name: p
                  plugins:
                  - pluginRef: queue-scorer
                  - pluginRef: lat
                """;
        SchedulerSetup s = Epc.build(body);

        assertThat(s.profile()).isNull();
        assertThat(s.problems())
                .extracting(Problem::format)
                .containsExactly(
                        Epc.FILE + ":" + Epc.lineOf(body, "type: concurrency-detector")
                                + ":9: error: plugins[1].type: plugin"
                                + " type concurrency-detector is not supported by Infergate yet (supported:"
                                + " utilization-detector)",
                        Epc.FILE + ":" + Epc.lineOf(body, "type: latency-scorer") + ":9: error: plugins[2].type: plugin"
                                + " type latency-scorer is not supported by Infergate yet (supported: queue-scorer,"
                                + " kv-cache-utilization-scorer, running-requests-size-scorer, lora-affinity-scorer,"
                                + " prefix-cache-scorer, token-load-scorer, kv-cache-scorer, in-flight-requests-scorer,"
                                + " in-flight-tokens-scorer, session-affinity-scorer, prefill-queue-scorer,"
                                + " least-recently-picked-scorer)",
                        Epc.FILE + ":" + Epc.lineOf(body, "type: vllmgrpc-parser")
                                + ":9: error: plugins[3].type: plugin"
                                + " type vllmgrpc-parser is not supported by Infergate yet (supported: openai-parser)");
    }

    @Test
    void aTypeUnknownToGieIsTheLoadersErrorAlone() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: queue-scorrer
                """);
        assertThat(s.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("plugins[0].type");
            assertThat(e.message()).startsWith("unknown plugin type \"queue-scorrer\"");
        });
    }

    @Test
    void tokenLoadScoresAgainstGiesAbsoluteThresholdNotMinMax() {
        SchedulerSetup s = Epc.build("""
                plugins:
                - type: token-load-scorer
                  parameters:
                    queueThresholdTokens: 1000
                """);
        var scorer = s.profile().scorers().get(0).scorer();
        assertThat(scorer.type()).isEqualTo("token-load-scorer");
        Candidates c = Cluster.candidates(
                new long[] {0, 250, 1000, 5000},
                Cluster.metrics(0, 0),
                Cluster.metrics(0, 0),
                Cluster.metrics(0, 0),
                Cluster.metrics(0, 0));
        double[] scores = new double[4];
        scorer.score(Cluster.ctx("m", 1), c, scores);
        assertThat(scores).containsExactly(1.0, 0.75, 0.0, 0.0);
    }

    @Test
    void anotherRegistryCanAddATypeForTheLab() {
        PluginRegistry r = PluginRegistry.STANDARD.with(
                "latency-scorer",
                (name, p, h) -> new PluginInstance.Scorer(name, "latency-scorer", new TokenLoadScorer(name, 1)));
        assertThat(r.supports("latency-scorer")).isTrue();
        var result = Epc.load("""
                plugins:
                - type: latency-scorer
                """);
        SchedulerSetup s = SchedulerSetupFactory.build(
                result.config().orElseThrow(),
                "",
                result::locate,
                p -> {},
                null,
                SchedulerSetupFactory.Options.DEFAULT,
                r);
        assertThat(s.problems()).isEmpty();
        assertThat(s.profile().scorers()).extracting(ws -> ws.scorer().name()).containsExactly("latency-scorer");
    }
}
