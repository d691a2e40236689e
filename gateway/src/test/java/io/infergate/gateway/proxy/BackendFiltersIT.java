package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.picker.ExternalDecision;
import io.infergate.gateway.picker.ExternalPickCall;
import io.infergate.gateway.picker.ExternalPickers;
import io.infergate.gateway.picker.HeaderEntry;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.testing.Patience;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backend-level HTTPRoute filters ({@code backendRefs[].filters}) are applied to the requests, and their responses,
 * that go to that backendRef, after the rule's own filters: with the in-process picker, with an external picker,
 * and for Service backends sharing a rule by weight.
 */
class BackendFiltersIT {

    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();
    private static EchoUpstream a;
    private static EchoUpstream b;
    private static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        a = new EchoUpstream("a");
        b = new EchoUpstream("b");
        LoadResult r = Manifests.load("test.yaml", manifests(a.port(), b.port()));
        assertThat(r.errors()).isEmpty();
        // the external picker: always the first echo server, and nothing else to say
        ExternalPickers picker = (pool, ref, request) -> new ExternalPickCall() {
            @Override
            public CompletionStage<ExternalDecision> decision() {
                return CompletableFuture.completedFuture(
                        new ExternalDecision.Route("127.0.0.1:" + a.port(), List.of(), null));
            }

            @Override
            public CompletionStage<List<HeaderEntry>> responseHeaders(List<HeaderEntry> headers, String served) {
                return CompletableFuture.completedFuture(List.of());
            }

            @Override
            public void cancel() {}
        };
        server = new GatewayServer(
                GatewayConfig.compile(r.manifests()),
                GatewayOptions.defaults().withPortMapper(l -> 0),
                SchedulingOptions.defaults(),
                rec -> {},
                picker);
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static String manifests(int portA, int portB) {
        String backendFilters = """
                          filters:
                            - type: RequestHeaderModifier
                              requestHeaderModifier:
                                set: [{name: x-backend, value: %1$s}]
                                add: [{name: x-multi, value: from-%1$s}]
                                remove: [x-secret]
                            - type: ResponseHeaderModifier
                              responseHeaderModifier:
                                set: [{name: x-served-by, value: %1$s}]
                                remove: [x-drop-me]
                """;
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
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                    - matches: [{path: {type: PathPrefix, value: /local}}]
                      filters:
                        - type: RequestHeaderModifier
                          requestHeaderModifier:
                            set: [{name: x-rule, value: rule}, {name: x-backend, value: from-rule}]
                      backendRefs:
                        - group: inference.networking.k8s.io
                          kind: InferencePool
                          name: local
                %3$s
                    - matches: [{path: {type: PathPrefix, value: /remote}}]
                      backendRefs:
                        - group: inference.networking.k8s.io
                          kind: InferencePool
                          name: remote
                %4$s
                    - matches: [{path: {type: PathPrefix, value: /svc}}]
                      backendRefs:
                        - name: svc-a
                          port: 80
                %5$s
                        - name: svc-b
                          port: 80
                %6$s
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: local}
                spec:
                  selector: {matchLabels: {app: echo}}
                  targetPorts: [{number: %1$d}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: remote, annotations: {infergate.io/endpoint-picker-tls: "false"}}
                spec:
                  selector: {matchLabels: {app: echo}}
                  targetPorts: [{number: %1$d}]
                  endpointPickerRef: {name: epp, port: {number: 9002}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: epp}
                spec:
                  selector: {app: echo}
                  ports: [{port: 9002, targetPort: 19002}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: svc-a}
                spec:
                  selector: {app: echo}
                  ports: [{port: 80, targetPort: %1$d}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: svc-b}
                spec:
                  selector: {app: echo}
                  ports: [{port: 80, targetPort: %2$d}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: echo, labels: {app: echo}}
                status: {podIP: 127.0.0.1, phase: Running}
                """.formatted(
                        portA,
                        portB,
                        backendFilters.formatted("local"),
                        backendFilters.formatted("remote"),
                        backendFilters.formatted("a"),
                        backendFilters.formatted("b"));
    }

    private static HttpResponse<String> post(String path) throws Exception {
        int port = server.boundPorts().get("default/gw/http");
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("content-type", "application/json")
                .header("x-secret", "client")
                .header("x-multi", "client")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"hi\",\"max_tokens\":1}"))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertFiltered(HttpResponse<String> r, String backend) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body().lines())
                .contains("x-backend: " + backend, "x-multi: client", "x-multi: from-" + backend)
                .noneMatch(l -> l.startsWith("x-secret:"));
        assertThat(r.headers().firstValue("x-served-by")).hasValue(backend);
        assertThat(r.headers().firstValue("x-drop-me")).isEmpty();
        assertThat(r.headers().firstValue("x-upstream")).isPresent();
    }

    @Test
    void theInProcessPickersBackendGetsTheRuleFiltersThenItsOwn() throws Exception {
        HttpResponse<String> r = post("/local/v1/completions");
        assertFiltered(r, "local");
        // the rule's set ran first, the backendRef's set of the same name last
        assertThat(r.body().lines()).contains("x-rule: rule").doesNotContain("x-backend: from-rule");
    }

    @Test
    void theExternalPickersBackendGetsItsFilters() throws Exception {
        assertFiltered(post("/remote/v1/completions"), "remote");
    }

    @Test
    void eachWeightedServiceBackendGetsOnlyItsOwnFilters() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = post("/svc/v1/completions");
            String upstream = r.headers().firstValue("x-upstream").orElseThrow();
            assertFiltered(r, upstream);
            seen.add(upstream);
        }
        // 40 fair coin flips that all land the same way: 2^-39
        assertThat(seen).containsExactlyInAnyOrder("a", "b");
    }
}
