package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.RequestRecord;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimulatorFleet;
import io.infergate.testing.Patience;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Serving several base models behind one route, the way GIE's guide does with Body-Based Routing: one pool per
 * base model, an HTTPRoute matching {@code X-Gateway-Base-Model-Name} exactly (GIE v0.5.1 {@code
 * site-src/guides/serve-multiple-genai-models.md}, and the inferencepool Helm chart's route), and bbr-managed
 * ConfigMaps mapping each LoRA adapter to its base model.
 */
class GatewayBaseModelIT {

    private static final String LLAMA = GatewayFixture.BASE_MODEL;
    private static final String DEEPSEEK = "deepseek/vllm-deepseek-r1";
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();

    private static SimulatorFleet llama;
    private static SimulatorFleet deepseek;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() {
        llama = new SimulatorFleet(new FleetSpec(
                        1,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(2))
                                .loraModules(GatewayFixture.loras())
                                .seed(1)
                                .build()))
                .start();
        deepseek = new SimulatorFleet(new FleetSpec(
                        1,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(2).toBuilder()
                                        .servedModelName(DEEPSEEK)
                                        .build())
                                .loraModules(
                                        Map.of("ski-resorts", "/adapters/ski", "movie-critique", "/adapters/movies"))
                                .seed(2)
                                .build()))
                .start();
        gw = new GatewayFixture(
                manifests(llama.replica(0).port(), deepseek.replica(0).port()), GatewayOptions.defaults());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        if (deepseek != null) {
            deepseek.close();
        }
        if (llama != null) {
            llama.close();
        }
    }

    private static String manifests(int llamaPort, int deepseekPort) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: infergate
                  listeners: [{name: http, protocol: HTTP, port: 8080}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: routes-to-llms}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                    - matches:
                        - headers: [{type: Exact, name: X-Gateway-Base-Model-Name, value: %1$s}]
                          path: {type: PathPrefix, value: /}
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: llama}]
                    - matches:
                        - headers: [{type: Exact, name: X-Gateway-Base-Model-Name, value: %2$s}]
                          path: {type: PathPrefix, value: /}
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: deepseek}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: llama}
                spec:
                  selector: {matchLabels: {app: llama}}
                  targetPorts: [{number: %3$d}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: deepseek}
                spec:
                  selector: {matchLabels: {app: deepseek}}
                  targetPorts: [{number: %4$d}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: llama-0, labels: {app: llama}}
                status: {podIP: 127.0.0.1, phase: Running}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: deepseek-0, labels: {app: deepseek}}
                status: {podIP: 127.0.0.1, phase: Running}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: llama-adapters
                  labels:
                    inference.networking.k8s.io/bbr-managed: "true"
                data:
                  baseModel: %1$s
                  adapters: |
                    - lora-v1
                    - lora-v2
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: deepseek-adapters
                  labels:
                    inference.networking.k8s.io/bbr-managed: "true"
                data:
                  baseModel: %2$s
                  adapters: |
                    - ski-resorts
                    - movie-critique
                """.formatted(LLAMA, DEEPSEEK, llamaPort, deepseekPort);
    }

    private static HttpResponse<String> complete(String requestId, String model, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + "/v1/completions"))
                .header("content-type", "application/json")
                .header("x-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + model + "\",\"prompt\":\"hi\",\"max_tokens\":2}"));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static RequestRecord record(String requestId) {
        return await().until(
                        () -> gw.records.stream()
                                .filter(r -> r.requestId().equals(requestId))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    private static void assertServedBy(String requestId, String model, String pool, int port) throws Exception {
        HttpResponse<String> r = complete(requestId, model);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"model\":\"" + model + "\"");
        RequestRecord rec = record(requestId);
        assertThat(rec.pool()).isEqualTo(pool);
        assertThat(rec.endpoint()).isEqualTo("127.0.0.1:" + port);
    }

    @Test
    void anAdapterRequestGoesToThePoolOfItsBaseModel() throws Exception {
        int port = deepseek.replica(0).port();
        assertServedBy("ski", "ski-resorts", "default/deepseek", port);
        assertServedBy("movies", "movie-critique", "default/deepseek", port);
        assertServedBy("lora", "lora-v2", "default/llama", llama.replica(0).port());
    }

    @Test
    void aBaseModelRequestGoesToItsOwnPool() throws Exception {
        assertServedBy(
                "base-deepseek",
                DEEPSEEK,
                "default/deepseek",
                deepseek.replica(0).port());
        assertServedBy("base-llama", LLAMA, "default/llama", llama.replica(0).port());
    }

    @Test
    void aModelNoConfigMapNamesMatchesNoBaseModelRoute() throws Exception {
        // BBR sets the header to "" for it; a client's own value for the header is dropped, not trusted
        HttpResponse<String> r = complete("unknown", "gpt-4o", "X-Gateway-Base-Model-Name", DEEPSEEK);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        assertThat(r.body()).contains("route_not_found");
        assertThat(record("unknown").pool()).isNull();
    }
}
