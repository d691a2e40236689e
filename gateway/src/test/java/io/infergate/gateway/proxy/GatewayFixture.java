package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.OutputLengthDistribution;
import io.infergate.simulator.engine.Preset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/** Manifests around simulator ports, and a gateway on ephemeral ports that records every request. */
final class GatewayFixture implements AutoCloseable {

    static final String BASE_MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    final GatewayServer server;
    final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();

    GatewayFixture(String manifests, GatewayOptions options) {
        this(manifests, options, SchedulingOptions.defaults());
    }

    GatewayFixture(String manifests, GatewayOptions options, SchedulingOptions scheduling) {
        LoadResult r = Manifests.load("test.yaml", manifests);
        assertThat(r.errors()).as(manifests).isEmpty();
        server = new GatewayServer(
                GatewayConfig.compile(r.manifests()), options.withPortMapper(l -> 0), scheduling, records::add);
        server.start();
    }

    int port(String listener) {
        return server.boundPorts().get("default/gw/" + listener);
    }

    String url() {
        return "http://127.0.0.1:" + port("http");
    }

    @Override
    public void close() {
        server.close();
    }

    /** A fast engine: small cache, fixed output length, LoRA on, no front-end overhead. */
    static EngineConfig engine(int outputTokens) {
        return Preset.DEFAULT.config().toBuilder()
                .servedModelName(BASE_MODEL)
                .numGpuBlocks(1024)
                .clampMaxModelLenToCache()
                .outputLengths(new OutputLengthDistribution.Fixed(outputTokens))
                .frontendOverheadNanos(0)
                .enableLora(true)
                .maxLoras(2)
                .maxCpuLoras(4)
                .loraLoadNanos(1_000_000)
                .loraActivateNanos(100_000)
                .build();
    }

    /**
     * Gateway {@code gw} (listener {@code http}, and {@code tcp} when {@code tcpPort} > 0); HTTPRoute {@code llm}
     * sending {@code /v1} to pool {@code pool} (one Pod at 127.0.0.1 with the given target ports), and requests
     * whose {@code X-Gateway-Model-Name} is {@code ghost} to pool {@code empty} (no endpoint); InferenceModels
     * {@code canary} (90/10 over {@code lora-v1}/{@code lora-v2}) and the base model (Critical), so the pool is
     * strict; a Service {@code echo} (the same ports) for the TCP listener.
     */
    static String manifests(List<Integer> ports, int tcpTargetPort) {
        String targetPorts = ports.stream().map(p -> "{number: " + p + "}").collect(Collectors.joining(", "));
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: infergate
                  listeners:
                    - {name: http, protocol: HTTP, port: 8080}
                    - {name: tcp, protocol: TCP, port: 9000}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: llm}
                spec:
                  parentRefs: [{name: gw, sectionName: http}]
                  rules:
                    - matches: [{path: {type: PathPrefix, value: /v1}, headers: [{name: X-Gateway-Model-Name, value: ghost}]}]
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: empty}]
                    - matches: [{path: {type: PathPrefix, value: /v1}}]
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
                ---
                apiVersion: gateway.networking.k8s.io/v1alpha2
                kind: TCPRoute
                metadata: {name: raw}
                spec:
                  parentRefs: [{name: gw, sectionName: tcp}]
                  rules:
                    - backendRefs: [{name: echo, port: 7000}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [%s]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: empty}
                spec:
                  selector: {matchLabels: {app: nothing}}
                  targetPorts: [{number: 8000}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: sim-pod, labels: {app: sim}}
                status: {podIP: 127.0.0.1, phase: Running}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: echo}
                spec:
                  selector: {app: sim}
                  ports: [{port: 7000, targetPort: %d}]
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: canary}
                spec:
                  modelName: canary
                  poolRef: {group: inference.networking.k8s.io, name: pool}
                  targetModels: [{name: lora-v1, weight: 90}, {name: lora-v2, weight: 10}]
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: base}
                spec:
                  modelName: %s
                  criticality: Critical
                  poolRef: {group: inference.networking.k8s.io, name: pool}
                """.formatted(targetPorts, tcpTargetPort, BASE_MODEL);
    }

    static Map<String, String> loras() {
        return Map.of("lora-v1", "/adapters/v1", "lora-v2", "/adapters/v2");
    }
}
