package io.infergate.gateway.picker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PickResult;
import io.infergate.scheduler.pick.PromptBytes;
import io.infergate.scheduler.scheduling.Scheduler;
import io.infergate.scheduler.scheduling.WeightedScorer;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Which scheduler a pool gets: the default, a built-in named by annotation, or an EndpointPickerConfig. */
class PoolPickersTest {

    private static final String POOL = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata:
              name: pool
              annotations: {%s}
            spec:
              selector: {matchLabels: {app: m}}
              targetPorts: [{number: 8000}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: a, labels: {app: m}}
            status: {podIP: 10.0.0.1}
            """;

    private static final String EPC = """
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha1
            kind: EndpointPickerConfig
            metadata: {name: queue-only}
            plugins:
            - type: queue-scorer
            - type: random-picker
            """;

    private static GatewayConfig compile(String yaml) {
        LoadResult r = Manifests.load("pools.yaml", yaml);
        assertThat(r.errors()).as(yaml).isEmpty();
        return GatewayConfig.compile(r.manifests());
    }

    private static PoolPickers pickers(SchedulingOptions options) {
        SplittableRandom random = new SplittableRandom(1);
        return new PoolPickers(new Datastore(e -> "vllm"), new InFlightTracker(), options, () -> 0L, () -> random);
    }

    private static Scheduler schedulerOf(PoolPickers p, GatewayConfig config) {
        p.update(config);
        PoolRuntime pool = config.pools().get(0);
        assertThat(p.picker(pool)).isSameAs(p.scheduler(pool.id()));
        return p.scheduler(pool.id());
    }

    @Test
    void poolsUseTheDefaultProfileOrTheOneTheirAnnotationNames() {
        PoolPickers p = pickers(SchedulingOptions.defaults());
        assertThat(schedulerOf(p, compile(POOL.formatted(""))).profile().name()).isEqualTo("infergate-default");
        assertThat(schedulerOf(p, compile(POOL.formatted("infergate.io/scheduling-profile: gie-v1-default")))
                        .profile()
                        .name())
                .isEqualTo("gie-v1-default");
        PoolPickers treeByDefault = pickers(SchedulingOptions.defaults().withDefaultProfile("gie-v0-filter-tree"));
        assertThat(schedulerOf(treeByDefault, compile(POOL.formatted("")))
                        .profile()
                        .name())
                .isEqualTo("gie-v0-filter-tree");
    }

    @Test
    void anEndpointPickerConfigOfTheManifestSetCanBeNamed() {
        GatewayConfig config = compile(POOL.formatted("infergate.io/scheduling-profile: queue-only") + EPC);
        Scheduler s = schedulerOf(pickers(SchedulingOptions.defaults()), config);
        assertThat(s.profile().scorers())
                .extracting(WeightedScorer::scorer)
                .extracting(x -> x.type())
                .containsExactly("queue-scorer");
        assertThat(s.profile().picker().type()).isEqualTo("random-picker");
        assertThat(s.profile().maxEndpoints()).isEqualTo(3); // GIE's 1, raised for the gateway's retries
    }

    @Test
    void aProfileThatDoesNotExistIsRefusedAtLoad() {
        assertThatThrownBy(() -> compile(POOL.formatted("infergate.io/scheduling-profile: fastest")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("1 error in the scheduling configuration of the InferencePools: pools.yaml:5:50: error:"
                        + " InferencePool/pool: metadata.annotations.infergate.io/scheduling-profile: \"fastest\" names"
                        + " no scheduling profile (expected one of: gie-v0-filter-tree, gie-v1-default,"
                        + " infergate-default; or the name of an EndpointPickerConfig, or of a ConfigMap holding one,"
                        + " in namespace default: EndpointPickerConfigs there: none; ConfigMaps: none; or"
                        + " <configmap>/<key>)");
    }

    @Test
    void theSchedulerSurvivesAReloadThatKeepsTheProfileAndIsReplacedWhenItChanges() {
        PoolPickers p = pickers(SchedulingOptions.defaults());
        Scheduler first = schedulerOf(p, compile(POOL.formatted("")));
        assertThat(schedulerOf(p, compile(POOL.formatted("")))).isSameAs(first);
        Scheduler other = schedulerOf(p, compile(POOL.formatted("infergate.io/scheduling-profile: gie-v1-default")));
        assertThat(other).isNotSameAs(first);
        assertThat(p.prefixIndex(compile(POOL.formatted("")).pools().get(0).id()))
                .isNotNull();
    }

    @Test
    void anEndpointPickerConfigInAConfigMapCanBeNamed() {
        GatewayConfig config = compile(POOL.formatted("infergate.io/scheduling-profile: epp/config.yaml") + """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: epp}
                data:
                  config.yaml: |
                    apiVersion: inference.networking.x-k8s.io/v1alpha1
                    kind: EndpointPickerConfig
                    plugins:
                    - type: kv-cache-utilization-scorer
                    - type: weighted-random-picker
                """);
        Scheduler s = schedulerOf(pickers(SchedulingOptions.defaults()), config);
        assertThat(s.profile().scorers())
                .extracting(WeightedScorer::scorer)
                .extracting(x -> x.type())
                .containsExactly("kv-cache-utilization-scorer");
        assertThat(s.profile().picker().type()).isEqualTo("weighted-random-picker");
        assertThat(config.pools().get(0).pickerConfig().orElseThrow().source()).isEqualTo("ConfigMap/epp[config.yaml]");
    }

    /** A sheddable request to a pool whose one endpoint is saturated: shed by the scheduler, or not. */
    private static PickResult sheddable(String annotations) {
        GatewayConfig config = compile(POOL.formatted(annotations) + EPC);
        Datastore datastore = new Datastore();
        SplittableRandom random = new SplittableRandom(1);
        PoolPickers p =
                new PoolPickers(datastore, new InFlightTracker(), SchedulingOptions.defaults(), () -> 0L, () -> random);
        p.update(config);
        PoolRuntime pool = config.pools().get(0);
        datastore
                .state(pool.id())
                .slots()
                .get(0)
                .metrics(new ScrapedMetrics(
                        new ModelServerMetrics("vllm", 50, 0, 0.99, Set.of(), Set.of(), 4, 16, 1000, List.of()),
                        0L,
                        null));
        return p.picker(pool)
                .pick(
                        new PickRequest("r", "m", -1, 0, "default-flow", "", new PromptBytes(new byte[0], 0, 0)),
                        pool.snapshot());
    }

    @Test
    void aFlowControlledPoolsSchedulerShedsNothingItself() {
        assertThat(sheddable("infergate.io/scheduling-profile: queue-only"))
                .isInstanceOfSatisfying(
                        PickResult.Rejected.class,
                        r -> assertThat(r.httpStatus()).isEqualTo(429));
        // flow control by annotation on a configuration without the gate: the flow controller gates, not the picker
        assertThat(sheddable("infergate.io/scheduling-profile: queue-only, infergate.io/flow-control: \"true\""))
                .isInstanceOf(PickResult.Picked.class);
        assertThat(sheddable("infergate.io/flow-control: \"true\"")).isInstanceOf(PickResult.Picked.class);
        assertThat(sheddable("")).isInstanceOf(PickResult.Rejected.class);
    }
}
