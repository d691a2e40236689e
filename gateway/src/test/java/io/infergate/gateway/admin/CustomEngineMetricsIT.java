package io.infergate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.metrics.GatewayMetrics;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.datastore.PoolState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A custom engine mapping from an EndpointPickerConfig's {@code core-metrics-extractor}, end to end: real metrics
 * pages on ephemeral ports, the gateway's scraper, the datastore and {@code GET /api/pools}. A Pod labelled with
 * the custom engine is read with its metric names; one with a label that names no engine is stale with the reason
 * the built-in extractor gives; a pool without the configuration reads the same Pod with the built-in mappings.
 */
class CustomEngineMetricsIT {

    private static final String PAGE = """
            # TYPE my_queue_depth gauge
            my_queue_depth 7
            # TYPE my_kv_usage gauge
            my_kv_usage 0.42
            """;

    private final JsonMapper json = JsonMapper.shared();
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpServer custom;
    private HttpServer unknown;
    private GatewayServer gateway;
    private AdminServer admin;

    private static HttpServer metricsServer() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/metrics", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        s.start();
        return s;
    }

    private static String manifests(int customPort, int unknownPort) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: infergate
                  listeners: [{name: http, protocol: HTTP, port: 8080}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata:
                  name: mine
                  annotations: {infergate.io/scheduling-profile: engines/epp.yaml}
                spec:
                  selector: {matchLabels: {app: mine}}
                  targetPorts: [{number: %d}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata:
                  name: typo
                  annotations: {infergate.io/scheduling-profile: engines/epp.yaml}
                spec:
                  selector: {matchLabels: {app: typo}}
                  targetPorts: [{number: %d}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: builtin}
                spec:
                  selector: {matchLabels: {app: mine}}
                  targetPorts: [{number: %d}]
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: a
                  labels: {app: mine, inference.networking.k8s.io/engine-type: myengine}
                status: {podIP: 127.0.0.1}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: b
                  labels: {app: typo, inference.networking.k8s.io/engine-type: my-engine}
                status: {podIP: 127.0.0.1}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: engines}
                data:
                  epp.yaml: |
                    apiVersion: inference.networking.x-k8s.io/v1alpha1
                    kind: EndpointPickerConfig
                    plugins:
                    - type: queue-scorer
                    - type: core-metrics-extractor
                      parameters:
                        engineConfigs:
                        - name: myengine
                          queuedRequestsSpec: my_queue_depth
                          kvUsageSpec: my_kv_usage
                """.formatted(customPort, unknownPort, customPort);
    }

    @BeforeEach
    void start() throws IOException {
        custom = metricsServer();
        unknown = metricsServer();
        LoadResult r = Manifests.load(
                "engines.yaml",
                manifests(custom.getAddress().getPort(), unknown.getAddress().getPort()));
        assertThat(r.errors()).isEmpty();
        // the default scrape interval (50 ms): a fetch times out after four fifths of it, and this test needs
        // fetches to succeed on a loaded machine too
        gateway = new GatewayServer(
                GatewayConfig.compile(r.manifests()),
                GatewayOptions.defaults().withBindHost("127.0.0.1").withPortMapper(l -> 0),
                SchedulingOptions.defaults(),
                rec -> {});
        gateway.start();
        admin = new AdminServer(
                        "127.0.0.1",
                        0,
                        AdminSource.of(
                                gateway,
                                new GatewayMetrics(),
                                () -> ConfigStatus.loaded(List.of("engines.yaml"), Instant.EPOCH, List.of()),
                                () -> true))
                .start();
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        custom.stop(0);
        unknown.stop(0);
        client.close();
    }

    private EndpointSlot slot(String pool) {
        PoolState state = gateway.datastore()
                .state(gateway.config().pools().stream()
                        .filter(p -> p.id().name().equals(pool))
                        .findFirst()
                        .orElseThrow()
                        .id());
        return state.slots().get(0);
    }

    private Map<String, JsonNode> poolsByName() throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(admin.url() + "/api/pools"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, JsonNode> out = new HashMap<>();
        json.readTree(r.body()).get("pools").forEach(p -> out.put(p.get("name").asString(), p));
        return out;
    }

    @Test
    void aPodOfTheCustomEngineIsReadWithItsMetricNames() throws Exception {
        Awaitility.await()
                .until(() -> slot("mine").metrics().everRead()
                        && slot("typo").metrics().failure() != null
                        && !slot("typo").metrics().failure().contains("not scraped")
                        && slot("builtin").metrics().failure() != null
                        && !slot("builtin").metrics().failure().contains("not scraped"));

        assertThat(slot("mine").metrics().failure()).isNull();
        assertThat(slot("mine").metrics().metrics().waitingQueue()).isEqualTo(7);
        assertThat(slot("mine").metrics().metrics().kvUsage()).isEqualTo(0.42);

        // fresh means read in the last 2 s: on a loaded machine scrapes can time out for longer than that, and the
        // endpoint then shows "metrics are ... old" until the next one succeeds, so the admin API is read until then
        Map<String, JsonNode> pools = Awaitility.await()
                .until(
                        this::poolsByName,
                        p -> p.get("mine")
                                .get("endpoints")
                                .get(0)
                                .get("metrics")
                                .get("staleReason")
                                .isNull());
        JsonNode mine = pools.get("mine");
        assertThat(mine.get("schedulingConfig").asString()).isEqualTo("ConfigMap/engines[epp.yaml]");
        JsonNode metrics = mine.get("endpoints").get(0).get("metrics");
        assertThat(metrics.get("engine").asString()).isEqualTo("myengine");
        assertThat(metrics.get("waitingQueue").asInt()).isEqualTo(7);
        assertThat(metrics.get("kvUsage").asDouble()).isEqualTo(0.42);
        assertThat(metrics.get("runningRequests").isNull()).isTrue(); // not configured: unknown

        // a label naming no engine: read as the default engine (vllm), nothing found, stale with the reason
        String typo = pools.get("typo")
                .get("endpoints")
                .get(0)
                .get("metrics")
                .get("staleReason")
                .asString();
        assertThat(typo)
                .startsWith(
                        "nothing readable in the metrics page: UNKNOWN_ENGINE: endpoint label"
                                + " inference.networking.k8s.io/engine-type=my-engine names no metrics mapping (expected one of:"
                                + " myengine, sglang, tgi, triton-tensorrt-llm, trtllm-serve, vllm); read as the default engine vllm");
        // the same Pod in a pool without the configuration: the built-in mappings know no myengine
        assertThat(pools.get("builtin")
                        .get("endpoints")
                        .get(0)
                        .get("metrics")
                        .get("staleReason")
                        .asString())
                .startsWith("nothing readable in the metrics page: UNKNOWN_ENGINE: endpoint label"
                        + " inference.networking.k8s.io/engine-type=myengine names no metrics mapping");
        assertThat(pools.get("builtin").get("schedulingConfig").isNull()).isTrue();
    }
}
