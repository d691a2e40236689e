package io.infergate.bench.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.PoolEndpoint;
import io.infergate.bench.results.RequestRecord;
import io.infergate.bench.workload.RequestBodies;
import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.bench.workload.Workloads;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.model.Resolution;
import io.infergate.scheduler.openai.OpenAiRequestScanner;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.PickResult;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.pipeline.Decision;
import io.infergate.scheduler.pipeline.ErrorCode;
import io.infergate.scheduler.pipeline.ParsedRequest;
import io.infergate.scheduler.pipeline.PoolState;
import io.infergate.scheduler.pipeline.RequestPipeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The lab resolves models exactly as the gateway does: the same manifests, requests and seed give the same target
 * model, priority or refusal in a lab run and in the gateway's own compile-and-decide path.
 */
class LabModelsTest {

    /** The pool is strict (InferenceModels reference it), with weighted InferenceModel targets and a weighted rule. */
    static final String MANIFESTS = """
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceModel
            metadata: {name: chat, namespace: lab}
            spec:
              modelName: chat
              criticality: Critical
              poolRef: {group: inference.networking.k8s.io, name: sim-pool}
              targetModels: [{name: chat-a, weight: 70}, {name: chat-b, weight: 30}]
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceModel
            metadata: {name: base, namespace: lab}
            spec:
              modelName: %s
              criticality: Sheddable
              poolRef: {group: inference.networking.k8s.io, name: sim-pool}
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceModelRewrite
            metadata: {name: canary, namespace: lab}
            spec:
              poolRef: {name: sim-pool}
              rules:
              - matches: [{model: {value: summarize}}]
                targets: [{modelRewrite: sum-v1, weight: 1}, {modelRewrite: sum-v2, weight: 3}]
            """.formatted(Workloads.MODEL);

    private static final long SEED = 11;
    private static final Endpoint ENDPOINT =
            Endpoint.of(new PoolEndpoint("sim-0", "sim-0", "10.0.0.2", 8000, 0), Map.of());

    /** 40 requests over four models (one unknown) and three priorities, 10 ms apart. */
    private static List<WorkloadRequest> requests() {
        String[] models = {"chat", "summarize", Workloads.MODEL, "unknown"};
        int[] priorities = {0, 1, -1};
        List<WorkloadRequest> out = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            out.add(WorkloadRequest.of(models[i % 4], priorities[i % 3], "say " + i, 4, "", "")
                    .withArrivalNanos(i * 10_000_000L));
        }
        return out;
    }

    /** What one request came to: the target model and priority it was picked for, or its refusal's status. */
    record Resolved(String targetModel, int priority, int refusal) {}

    @Test
    void theLabAndTheGatewayResolveTheSameManifestsIdentically() {
        List<WorkloadRequest> requests = requests();

        List<Resolved> lab = inTheLab(requests);
        List<Resolved> gateway = inTheGateway(requests);

        assertThat(lab).isEqualTo(gateway);
        // and the manifests did what they say: weighted targets drawn, unknown models refused, priorities kept
        assertThat(lab).extracting(Resolved::targetModel).contains("chat-a", "chat-b", "sum-v1", "sum-v2");
        assertThat(lab.get(3)).isEqualTo(new Resolved(null, 0, ErrorCode.UNKNOWN_MODEL.status()));
        assertThat(lab.get(1).priority()).isEqualTo(1);
    }

    private static List<Resolved> inTheLab(List<WorkloadRequest> requests) {
        Map<String, Resolved> picked = new HashMap<>();
        LabPolicy recording = new LabPolicy() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public Route route(LabRequest request, LabView view) {
                picked.put(
                        request.id(),
                        new Resolved(
                                request.pick().targetModel(), request.pick().priority(), 0));
                return Route.refused(503, "recorded"); // the engines never see the made-up model names
            }
        };
        LabSettings settings =
                LabSettings.defaults().withReplicas(1).withSeed(SEED).withModels(LabModels.of("lab.yaml", MANIFESTS));
        List<RequestRecord> records = new PolicyLab(settings)
                .run(requests, List.of(), env -> recording)
                .records();
        List<Resolved> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Resolved r = picked.get("r" + i);
            out.add(r != null ? r : new Resolved(null, 0, records.get(i).httpStatus()));
        }
        return out;
    }

    /** The gateway's path: its compile of the manifests, the pool's resolver, the pipeline, the same draws. */
    private static List<Resolved> inTheGateway(List<WorkloadRequest> requests) {
        StringBuilder text = new StringBuilder(MANIFESTS).append("---\n").append("""
                        apiVersion: inference.networking.k8s.io/v1
                        kind: InferencePool
                        metadata: {name: sim-pool, namespace: lab}
                        spec:
                          selector: {matchLabels: {app: sim}}
                          targetPorts: [{number: 8000}]
                        """);
        for (int p : new int[] {-1, 0, 1}) {
            text.append("---\n").append("""
                    apiVersion: inference.networking.x-k8s.io/v1alpha2
                    kind: InferenceObjective
                    metadata: {name: %s, namespace: lab}
                    spec: {priority: %d, poolRef: {name: sim-pool}}
                    """.formatted(LabModels.objectiveFor(p), p));
        }
        LoadResult loaded = Manifests.load("gateway.yaml", text.toString());
        assertThat(loaded.errors()).isEmpty();
        PoolRuntime pool = GatewayConfig.compile(loaded.manifests()).pool(PolicyLab.POOL);
        List<Resolved> out = new ArrayList<>();
        RequestPipeline pipeline = RequestPipeline.untimed();
        RandomGenerator random = new SplittableRandom(SEED);
        OpenAiRequestScanner scanner = new OpenAiRequestScanner();
        for (int i = 0; i < requests.size(); i++) {
            WorkloadRequest w = requests.get(i);
            byte[] body = RequestBodies.completion(w);
            ParsedRequest parsed = new ParsedRequest(
                    "r" + i,
                    scanner.scan(body),
                    body,
                    0,
                    body.length,
                    null,
                    LabModels.objectiveFor(w.priority()),
                    null,
                    "",
                    false,
                    null,
                    random,
                    Runnable::run);
            Decision d = pipeline.decide(parsed, new PoolState() {
                @Override
                public Resolution resolve(String model, String rewrite, String objective, RandomGenerator r) {
                    return pool.models().resolve(model, rewrite, objective, r);
                }

                @Override
                public PoolSnapshot snapshot() {
                    return new PoolSnapshot(PolicyLab.POOL, List.of(ENDPOINT));
                }

                @Override
                public EndpointPicker picker() {
                    return (request, candidates) -> new PickResult.Picked(candidates.endpoints());
                }

                @Override
                public FlowController<Object> flowControl() {
                    return null;
                }
            });
            out.add(
                    switch (d) {
                        case Decision.Refuse r -> new Resolved(null, 0, r.status());
                        case Decision.Forward f ->
                            new Resolved(f.request().targetModel(), f.request().priority(), 0);
                        case Decision.Queued q -> throw new AssertionError("no flow control here");
                    });
        }
        return out;
    }

    @Test
    void manifestsWithErrorsAreRefusedWithTheirLine() {
        assertThatThrownBy(() -> LabModels.of("bad.yaml", "apiVersion: v1\nkind: Nonsense\nmetadata: {name: x}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.yaml");
    }

    @Test
    void withoutManifestsEveryModelKeepsItsNameAndItsWorkloadPriority() {
        var models = LabModels.none().compile(List.of(-1, 0, 2));
        var r = (Resolution.Resolved)
                models.resolve("anything", null, LabModels.objectiveFor(-1), new SplittableRandom(1));
        assertThat(r.targetModel()).isEqualTo("anything");
        assertThat(r.priority()).isEqualTo(-1);
        assertThat(((Resolution.Resolved) models.resolve("x", null, LabModels.objectiveFor(2), new SplittableRandom(1)))
                        .priority())
                .isEqualTo(2);
    }
}
