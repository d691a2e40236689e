package io.infergate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.metrics.GatewayMetrics;
import io.infergate.gateway.metrics.SchedulerLatency;
import io.infergate.gateway.metrics.SchedulingView;
import io.infergate.gateway.picker.PoolPickers;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.MetricsProblem;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.Lease;
import io.infergate.scheduler.pick.PoolId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AdminServerTest {

    private static final String MANIFESTS = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              gatewayClassName: infergate
              listeners: [{name: http, protocol: HTTP, port: 8080}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: llm}
            spec:
              parentRefs: [{name: gw}]
              rules:
                - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
            ---
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: pool}
            spec:
              selector: {matchLabels: {app: m}}
              targetPorts: [{number: 8000}]
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceModel
            metadata: {name: base}
            spec:
              modelName: base-model
              criticality: Critical
              poolRef: {group: inference.networking.k8s.io, name: pool}
            """;
    private static final String POD = """
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: a, labels: {app: m}}
            status: {podIP: 10.0.0.1}
            """;

    private static final String POD_B = """
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b, labels: {app: m}}
            status: {podIP: 10.0.0.2}
            """;
    private static final long MS = 1_000_000L;
    /** The fake clock: scraped metrics' ages are measured against it. */
    private static final long NOW = 60_000 * MS;

    /** A source whose every part a test can change. */
    private static final class FakeSource implements AdminSource {
        volatile GatewayConfig config;
        final Map<String, Integer> bound = new ConcurrentHashMap<>();
        final InFlightTracker inFlight = new InFlightTracker();
        volatile boolean running = true;
        volatile ConfigStatus status = ConfigStatus.loaded(List.of("/etc/gw.yaml"), Instant.EPOCH, List.of());
        final GatewayMetrics metrics = new GatewayMetrics();
        final Datastore datastore = new Datastore(e -> "vllm");
        final PoolPickers pickers = new PoolPickers(
                datastore, inFlight, SchedulingOptions.defaults(), () -> NOW, () -> new SplittableRandom(1));
        final SchedulerLatency latency = new SchedulerLatency();
        volatile Set<AdminRoute> routes = EnumSet.allOf(AdminRoute.class);
        /** Null: the gateway's verdict. */
        volatile Readiness readiness;

        volatile Set<PoolId> hidden = Set.of();

        @Override
        public Set<AdminRoute> routes() {
            return routes;
        }

        @Override
        public Readiness readiness() {
            return readiness == null ? Readiness.of(this) : readiness;
        }

        @Override
        public boolean shows(PoolId pool) {
            return !hidden.contains(pool);
        }

        @Override
        public GatewayConfig config() {
            return config;
        }

        @Override
        public Map<String, Integer> boundPorts() {
            return bound;
        }

        @Override
        public InFlightTracker inFlight() {
            return inFlight;
        }

        @Override
        public boolean running() {
            return running;
        }

        @Override
        public ConfigStatus configStatus() {
            return status;
        }

        @Override
        public Datastore datastore() {
            return datastore;
        }

        @Override
        public PoolPickers pickers() {
            return pickers;
        }

        @Override
        public long nanoTime() {
            return NOW;
        }

        @Override
        public String metrics() {
            return metrics.scrape(config, inFlight, new SchedulingView(datastore, pickers, latency, NOW));
        }

        /** Serves {@code c}, publishing its pools to the datastore as the gateway does. */
        void serve(GatewayConfig c) {
            pickers.update(c);
            config = c;
        }

        EndpointSlot slot(String hostPort) {
            return datastore.state(config.pools().get(0).id()).slots().stream()
                    .filter(s -> s.hostPort().equals(hostPort))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private final HttpClient client = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.shared();
    private FakeSource source;
    private AdminServer server;

    private static GatewayConfig config(String yaml) {
        LoadResult r = Manifests.load("gw.yaml", yaml);
        assertThat(r.errors()).isEmpty();
        return GatewayConfig.compile(r.manifests());
    }

    @BeforeEach
    void start() {
        source = new FakeSource();
        source.serve(config(MANIFESTS + POD));
        source.bound.put("default/gw/http", 43210);
        server = new AdminServer("127.0.0.1", 0, source).start();
    }

    @AfterEach
    void stop() {
        server.close();
        client.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(
                HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest req) throws Exception {
        return client.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bindsAnEphemeralPort() {
        assertThat(server.port()).isPositive();
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body())
                .contains("# TYPE inference_pool_ready_pods gauge\n")
                .contains("inference_pool_ready_pods{name=\"pool\",namespace=\"default\"} 1\n");
    }

    @Test
    void healthzFollowsTheRunningFlag() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        source.running = false;
        assertThat(get("/healthz").statusCode()).isEqualTo(503);
    }

    @Test
    void readyzNeedsBoundListenersAndAReadyEndpoint() throws Exception {
        assertThat(get("/readyz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ready\n");
        });
        source.bound.clear();
        assertThat(get("/readyz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("listener default/gw/http (HTTP port 8080) is not bound");
        });
        source.bound.put("default/gw/http", 43210);
        source.config = config(MANIFESTS);
        assertThat(get("/readyz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("no InferencePool has a ready endpoint (pools: default/pool)\n");
        });
    }

    @Test
    void anEndpointWhoseScrapeFailedOrIsStaleIsNotReady() throws Exception {
        ModelServerMetrics read = new ModelServerMetrics("vllm", 0, 0, 0.1, Set.of(), Set.of(), 4, 16, 1000, List.of());
        source.slot("10.0.0.1:8000").metrics(new ScrapedMetrics(read, NOW - 100 * MS, null));
        assertThat(get("/readyz").statusCode()).isEqualTo(200);

        source.slot("10.0.0.1:8000").metrics(new ScrapedMetrics(read, NOW - 100 * MS, "connection refused"));
        assertThat(get("/readyz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body())
                    .isEqualTo("no InferencePool has a ready endpoint (pools: default/pool); 1 endpoint(s) left out"
                            + " because their /metrics scrape failed or is stale\n");
        });
        assertThat(get("/metrics").body())
                .contains("inference_pool_ready_pods{name=\"pool\",namespace=\"default\"} 0\n");
        assertThat(json.readTree(get("/api/pools").body())
                        .get("pools")
                        .get(0)
                        .get("readyEndpoints")
                        .asInt())
                .isZero();

        source.slot("10.0.0.1:8000").metrics(new ScrapedMetrics(read, NOW - 2_001 * MS, null));
        assertThat(get("/readyz").statusCode()).isEqualTo(503);
        assertThat(get("/metrics").body())
                .contains("inference_pool_ready_pods{name=\"pool\",namespace=\"default\"} 0\n");

        source.slot("10.0.0.1:8000").metrics(new ScrapedMetrics(read, NOW - 2_000 * MS, null));
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").body())
                .contains("inference_pool_ready_pods{name=\"pool\",namespace=\"default\"} 1\n");
    }

    @Test
    void poolsListEndpointsModelsAndInFlight() throws Exception {
        Lease lease = source.inFlight.acquire(
                source.config.pools().get(0).snapshot().endpoints().get(0));
        HttpResponse<String> r = get("/api/pools");
        lease.release();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        JsonNode pool = json.readTree(r.body()).get("pools").get(0);
        assertThat(pool.get("name").asString()).isEqualTo("pool");
        assertThat(pool.get("group").asString()).isEqualTo("inference.networking.k8s.io");
        assertThat(pool.get("modelNames").get(0).asString()).isEqualTo("base-model");
        assertThat(pool.get("inferenceModels").get(0).get("criticality").asString())
                .isEqualTo("Critical");
        assertThat(pool.get("readyEndpoints").asInt()).isEqualTo(1);
        assertThat(pool.get("endpointPicker").asString()).isEqualTo("in-process");
        JsonNode ep = pool.get("endpoints").get(0);
        assertThat(ep.get("name").asString()).isEqualTo("a-rank-0");
        assertThat(ep.get("address").asString()).isEqualTo("10.0.0.1:8000");
        assertThat(ep.get("inFlight").asInt()).isEqualTo(1);
        assertThat(ep.get("labels").get("app").asString()).isEqualTo("m");
        assertThat(pool.get("inFlight").asInt()).isEqualTo(1);
    }

    @Test
    void configShowsSourcesReloadListenersAndRoutes() throws Exception {
        source.status = source.status.withReload(new ConfigStatus.Reload(
                Instant.parse("2026-01-02T03:04:05Z"),
                false,
                "1 error; keeping the last good configuration",
                List.of("gw.yaml:3:5: error: Gateway/gw: spec: boom")));
        JsonNode root = json.readTree(get("/api/config").body());
        assertThat(root.get("sources").get(0).asString()).isEqualTo("/etc/gw.yaml");
        JsonNode reload = root.get("lastReload");
        assertThat(reload.get("applied").asBoolean()).isFalse();
        assertThat(reload.get("at").asString()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(reload.get("problems").get(0).asString()).isEqualTo("gw.yaml:3:5: error: Gateway/gw: spec: boom");
        JsonNode listener = root.get("listeners").get(0);
        assertThat(listener.get("id").asString()).isEqualTo("default/gw/http");
        assertThat(listener.get("boundPort").asInt()).isEqualTo(43210);
        assertThat(listener.get("pools").get(0).asString()).isEqualTo("default/pool");
        JsonNode route = root.get("routes").get(0);
        assertThat(route.get("kind").asString()).isEqualTo("HTTPRoute");
        assertThat(route.get("name").asString()).isEqualTo("llm");
        assertThat(route.get("rules").get(0).get("backends").get(0).asString())
                .isEqualTo("InferencePool default/pool weight 1");
        assertThat(root.get("pools").get(0).asString()).isEqualTo("default/pool");
        assertThat(listener.get("hostname").isNull()).isTrue();
        assertThat(root.get("baseModels").isNull()).isTrue(); // no bbr-managed ConfigMap: header = model
    }

    @Test
    void configShowsTheBaseModelMapOfBbrManagedConfigMaps() throws Exception {
        source.config = config(MANIFESTS + POD + """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: llama
                  labels: {inference.networking.k8s.io/bbr-managed: "true"}
                data:
                  baseModel: base-model
                  adapters: |
                    - sql-lora
                """);
        JsonNode base = json.readTree(get("/api/config").body()).get("baseModels");
        assertThat(base.get("base-model").asString()).isEqualTo("base-model");
        assertThat(base.get("sql-lora").asString()).isEqualTo("base-model");
        assertThat(base.size()).isEqualTo(2);
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        assertThat(get("/nope")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body())
                    .isEqualTo("not found: /nope (try /api/config, /api/pools, /healthz, /metrics, " + "/readyz)\n");
        });
        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(get("/healthz?verbose=1").statusCode()).isEqualTo(200);
    }

    @Test
    void aSourceChoosesItsRoutesItsReadinessAndWhichPoolsItLists() throws Exception {
        server.close();
        source.routes = EnumSet.of(AdminRoute.METRICS, AdminRoute.READYZ, AdminRoute.POOLS);
        source.readiness = new Readiness(false, "waiting for the leader");
        source.hidden = Set.of(source.config.pools().get(0).id());
        server = new AdminServer("127.0.0.1", 0, source).start();
        assertThat(get("/api/config")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("not found: /api/config (try /api/pools, /metrics, /readyz)\n");
        });
        assertThat(get("/healthz").statusCode()).isEqualTo(404);
        assertThat(get("/readyz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("waiting for the leader\n");
        });
        assertThat(json.readTree(get("/api/pools").body()).get("pools").size()).isZero();
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void aSecondServerOnTheSamePortFailsClearly() {
        AdminServer clash = new AdminServer("127.0.0.1", server.port(), source);
        assertThatThrownBy(clash::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("admin listener: cannot bind 127.0.0.1:" + server.port());
        assertThat(Optional.of(clash.port())).contains(-1);
    }

    @Test
    void poolsShowScrapedMetricsTheirAgeAndFreshness() throws Exception {
        source.serve(config(MANIFESTS + POD + POD_B));
        source.slot("10.0.0.1:8000")
                .metrics(new ScrapedMetrics(
                        new ModelServerMetrics("vllm", 2, 3, 0.5, Set.of("sql-lora"), Set.of(), 4, 16, 1000, List.of()),
                        NOW - 100 * MS,
                        null));
        Lease lease = source.inFlight.acquire(
                source.config.pools().get(0).snapshot().endpoints().get(0), 10, 20);
        JsonNode root = json.readTree(get("/api/pools").body());
        lease.release();
        assertThat(root.get("metricsStalenessThresholdMs").asLong()).isEqualTo(2000);
        JsonNode pool = root.get("pools").get(0);
        assertThat(pool.get("schedulingProfile").asString()).isEqualTo("infergate-default");
        assertThat(pool.get("prefixIndexSize").isIntegralNumber()).isTrue();
        assertThat(pool.get("prefixIndexSize").asLong()).isZero();
        assertThat(pool.get("freshEndpoints").asInt()).isEqualTo(1);
        assertThat(pool.get("inFlightTokens").asLong()).isEqualTo(30);

        JsonNode a = pool.get("endpoints").get(0);
        assertThat(a.get("address").asString()).isEqualTo("10.0.0.1:8000");
        assertThat(a.get("inFlight").asInt()).isEqualTo(1);
        assertThat(a.get("inFlightTokens").asLong()).isEqualTo(30);
        JsonNode m = a.get("metrics");
        assertThat(m.get("engine").asString()).isEqualTo("vllm");
        assertThat(m.get("waitingQueue").asInt()).isEqualTo(2);
        assertThat(m.get("runningRequests").asInt()).isEqualTo(3);
        assertThat(m.get("kvUsage").asDouble()).isEqualTo(0.5);
        assertThat(m.get("activeAdapters").toString()).isEqualTo("[\"sql-lora\"]");
        assertThat(m.get("waitingAdapters").toString()).isEqualTo("[]");
        assertThat(m.get("maxLoras").asInt()).isEqualTo(4);
        assertThat(m.get("blockSize").asInt()).isEqualTo(16);
        assertThat(m.get("numGpuBlocks").asInt()).isEqualTo(1000);
        assertThat(m.get("ageMs").asLong()).isEqualTo(100);
        assertThat(m.get("fresh").asBoolean()).isTrue();
        assertThat(m.get("staleReason").isNull()).isTrue();
        assertThat(m.get("problems").toString()).isEqualTo("[]");

        JsonNode b = pool.get("endpoints").get(1).get("metrics");
        assertThat(pool.get("endpoints").get(1).get("inFlightTokens").asLong()).isZero();
        for (String unknown : List.of(
                "waitingQueue",
                "runningRequests",
                "kvUsage",
                "activeAdapters",
                "waitingAdapters",
                "maxLoras",
                "blockSize",
                "numGpuBlocks",
                "ageMs")) {
            assertThat(b.get(unknown).isNull()).as(unknown).isTrue();
        }
        assertThat(b.get("fresh").asBoolean()).isFalse();
        assertThat(b.get("staleReason").asString()).isEqualTo("not scraped yet");
    }

    @Test
    void aFailedScrapeKeepsTheOldValuesAndSaysWhy() throws Exception {
        source.slot("10.0.0.1:8000")
                .metrics(new ScrapedMetrics(
                        new ModelServerMetrics(
                                "vllm",
                                9,
                                1,
                                0.125,
                                null,
                                null,
                                -1,
                                -1,
                                -1,
                                List.of(new MetricsProblem(MetricsProblem.Kind.MISSING, "vllm:lora_requests_info"))),
                        NOW - 50 * MS,
                        "scrape failed: ConnectException: refused"));
        JsonNode pool = json.readTree(get("/api/pools").body()).get("pools").get(0);
        JsonNode m = pool.get("endpoints").get(0).get("metrics");
        assertThat(m.get("waitingQueue").asInt()).isEqualTo(9);
        assertThat(m.get("ageMs").asLong()).isEqualTo(50);
        assertThat(m.get("fresh").asBoolean()).isFalse();
        assertThat(m.get("staleReason").asString()).isEqualTo("scrape failed: ConnectException: refused");
        assertThat(m.get("problems").get(0).asString()).isEqualTo("MISSING: vllm:lora_requests_info");
        assertThat(pool.get("freshEndpoints").asInt()).isZero();

        source.slot("10.0.0.1:8000")
                .metrics(new ScrapedMetrics(
                        new ModelServerMetrics("vllm", 9, 1, 0.125, null, null, -1, -1, -1, List.of()),
                        NOW - 2500 * MS,
                        null));
        m = json.readTree(get("/api/pools").body())
                .get("pools")
                .get(0)
                .get("endpoints")
                .get(0)
                .get("metrics");
        assertThat(m.get("staleReason").asString()).isEqualTo("metrics are 2500 ms old (threshold 2000 ms)");
    }

    @Test
    void metricsShowTheScrapedPoolGauges() throws Exception {
        source.serve(config(MANIFESTS + POD + POD_B));
        source.slot("10.0.0.1:8000")
                .metrics(new ScrapedMetrics(
                        new ModelServerMetrics("vllm", 2, 3, 0.5, null, null, -1, -1, -1, List.of()),
                        NOW - 1500 * MS,
                        null));
        source.latency.record(250_000);
        String body = get("/metrics").body();
        assertThat(body)
                .contains("inference_pool_average_kv_cache_utilization{name=\"pool\",namespace=\"default\"} 0.5\n")
                .contains("inference_pool_average_queue_size{name=\"pool\",namespace=\"default\"} 2\n")
                .contains("inference_pool_average_running_requests{name=\"pool\",namespace=\"default\"} 3\n")
                .contains("inference_pool_per_pod_queue_size{name=\"pool\",namespace=\"default\","
                        + "model_server_pod=\"a-rank-0\"} 2\n")
                .doesNotContain("model_server_pod=\"b-rank-0\"")
                .contains("infergate_endpoint_metrics_age_seconds{pool=\"default/pool\",endpoint=\"10.0.0.1:8000\"}"
                        + " 1.5\n")
                .contains("infergate_endpoint_stale{pool=\"default/pool\",endpoint=\"10.0.0.1:8000\"} 0\n")
                .contains("infergate_endpoint_stale{pool=\"default/pool\",endpoint=\"10.0.0.2:8000\"} 1\n")
                .contains("inference_extension_prefix_indexer_size 0\n")
                .contains("inference_extension_scheduler_e2e_duration_seconds_bucket{le=\"0.0002\"} 0\n")
                .contains("inference_extension_scheduler_e2e_duration_seconds_bucket{le=\"0.0005\"} 1\n")
                .contains("inference_extension_scheduler_e2e_duration_seconds_count 1\n")
                .contains("# TYPE infergate_requests_shed_total counter\n");
    }
}
