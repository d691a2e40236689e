package io.infergate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.EdgeRefusals;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.Lease;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

    private static final long MS = 1_000_000L;

    /** A successful request: 200, ttft 50 ms, duration 1 s, 10 prompt and 101 completion tokens. */
    private static RequestRecord ok(String model, String target, int priority) {
        return new RequestRecord(
                "r1",
                "default/gw/http",
                "POST",
                "/v1/chat/completions",
                model,
                target,
                "default/pool",
                "10.0.0.1:8000",
                200,
                50 * MS,
                1000 * MS,
                10,
                101,
                priority,
                null,
                1);
    }

    private static RequestRecord failed(int status, String errorType, String endpoint) {
        return new RequestRecord(
                "r2",
                "default/gw/http",
                "POST",
                "/v1/completions",
                "m",
                "m-v1",
                endpoint == null ? null : "default/pool",
                endpoint,
                status,
                -1,
                3 * MS,
                -1,
                -1,
                0,
                errorType,
                endpoint == null ? 0 : 1);
    }

    @Test
    void requestTotalsCarryPriorityOnlyUnderTheObjectiveNames() {
        GatewayMetrics m = new GatewayMetrics();
        m.onComplete(ok("food-review", "food-review-v1", 0));
        m.onComplete(ok("food-review", "food-review-v1", 0));
        m.onComplete(ok("food-review", "food-review-v1", -1));
        Exposed e = Exposed.parse(m.scrape(null, null));
        assertThat(e.types)
                .containsEntry("inference_objective_request_total", "counter")
                .containsEntry("inference_model_request_total", "counter");
        assertThat(e.value("inference_objective_request_total{model_name=\"food-review\","
                        + "target_model_name=\"food-review-v1\",priority=\"0\"}"))
                .isEqualTo(2);
        assertThat(e.value("inference_objective_request_total{model_name=\"food-review\","
                        + "target_model_name=\"food-review-v1\",priority=\"-1\"}"))
                .isEqualTo(1);
        assertThat(e.value("inference_model_request_total{model_name=\"food-review\","
                        + "target_model_name=\"food-review-v1\"}"))
                .isEqualTo(3);
    }

    @Test
    void histogramsUseTheEppBucketsAndAreCumulative() {
        GatewayMetrics m = new GatewayMetrics();
        m.onComplete(ok("a", "a", 0));
        Exposed e = Exposed.parse(m.scrape(null, null));
        String labels = "model_name=\"a\",target_model_name=\"a\"";
        String d = "inference_objective_request_duration_seconds";
        assertThat(e.types).containsEntry(d, "histogram");
        assertThat(e.value(d + "_bucket{" + labels + ",le=\"0.8\"}")).isZero();
        assertThat(e.value(d + "_bucket{" + labels + ",le=\"1\"}")).isEqualTo(1);
        assertThat(e.value(d + "_bucket{" + labels + ",le=\"3600\"}")).isEqualTo(1);
        assertThat(e.value(d + "_bucket{" + labels + ",le=\"+Inf\"}")).isEqualTo(1);
        assertThat(e.value(d + "_sum{" + labels + "}")).isEqualTo(1.0);
        assertThat(e.value(d + "_count{" + labels + "}")).isEqualTo(1);
        // the EPP's 35 general-latency bounds plus +Inf
        assertThat(e.samples.keySet().stream().filter(k -> k.startsWith(d + "_bucket{")))
                .hasSize(36);

        String ttft = "inference_objective_request_ttft_seconds";
        assertThat(e.value(ttft + "_bucket{" + labels + ",le=\"0.025\"}")).isZero();
        assertThat(e.value(ttft + "_bucket{" + labels + ",le=\"0.05\"}")).isEqualTo(1);
        // NTPOT = 1 s / 101 tokens
        String ntpot = "inference_objective_normalized_time_per_output_token_seconds";
        assertThat(e.value(ntpot + "_bucket{" + labels + ",le=\"0.005\"}")).isZero();
        assertThat(e.value(ntpot + "_bucket{" + labels + ",le=\"0.01\"}")).isEqualTo(1);
        assertThat(e.value(ntpot + "_sum{" + labels + "}")).isCloseTo(1.0 / 101, Offset.offset(1e-12));
        // TPOT = (1 s - 50 ms) / 100 tokens = 9.5 ms
        String tpot = "inference_objective_request_tpot_seconds";
        assertThat(e.value(tpot + "_bucket{" + labels + ",le=\"0.005\"}")).isZero();
        assertThat(e.value(tpot + "_bucket{" + labels + ",le=\"0.01\"}")).isEqualTo(1);
        assertThat(e.value(tpot + "_bucket{" + labels + ",le=\"0.00205\"}")).isZero();
        assertThat(e.value("inference_objective_input_tokens_bucket{" + labels + ",le=\"8\"}"))
                .isZero();
        assertThat(e.value("inference_objective_input_tokens_bucket{" + labels + ",le=\"16\"}"))
                .isEqualTo(1);
        assertThat(e.value("inference_objective_input_tokens_bucket{" + labels + ",le=\"32778\"}"))
                .isEqualTo(1);
        assertThat(e.value("inference_objective_output_tokens_bucket{" + labels + ",le=\"128\"}"))
                .isEqualTo(1);
        assertThat(e.value("inference_objective_output_tokens_sum{" + labels + "}"))
                .isEqualTo(101);
        // the legacy names exist for what v0.5 had, and v0.5 had no TTFT
        assertThat(e.value("inference_model_request_duration_seconds_count{" + labels + "}"))
                .isEqualTo(1);
        assertThat(e.value("inference_model_normalized_time_per_output_token_seconds_count{" + labels + "}"))
                .isEqualTo(1);
        assertThat(e.types).doesNotContainKey("inference_model_request_ttft_seconds");
    }

    @Test
    void errorsCountWithTheEppCodesAndFeedNoHistogram() {
        GatewayMetrics m = new GatewayMetrics();
        m.onComplete(failed(404, "invalid_request_error", null));
        m.onComplete(failed(429, "rate_limit_exceeded", null));
        m.onComplete(failed(503, "service_unavailable", null));
        m.onComplete(failed(500, null, "10.0.0.1:8000")); // the model server's own 500, passed through
        m.onComplete(failed(502, "upstream_error", "10.0.0.1:8000"));
        m.onComplete(failed(499, null, "10.0.0.1:8000"));
        Exposed e = Exposed.parse(m.scrape(null, null));
        String l = "inference_objective_request_error_total{model_name=\"m\",target_model_name=\"m-v1\",error_code=";
        assertThat(e.value(l + "\"NotFound\"}")).isEqualTo(1);
        assertThat(e.value(l + "\"ResourceExhausted\"}")).isEqualTo(1);
        assertThat(e.value(l + "\"ServiceUnavailable\"}")).isEqualTo(1);
        assertThat(e.value(l + "\"ModelServerError\"}")).isEqualTo(2);
        assertThat(e.value(l + "\"Unknown\"}")).isEqualTo(1);
        assertThat(e.value("inference_model_request_error_total{model_name=\"m\",target_model_name=\"m-v1\","
                        + "error_code=\"NotFound\"}"))
                .isEqualTo(1);
        assertThat(e.value("inference_objective_request_total{model_name=\"m\",target_model_name=\"m-v1\","
                        + "priority=\"0\"}"))
                .isEqualTo(6);
        assertThat(e.samples.keySet()).noneMatch(k -> k.startsWith("inference_objective_request_duration_seconds"));
        assertThat(e.value("infergate_requests_total{listener=\"default/gw/http\",code=\"499\"}"))
                .isEqualTo(1);
    }

    @Test
    void aStreamCutShortAfterItsHeadersIsAModelServerError() {
        GatewayMetrics m = new GatewayMetrics();
        m.onComplete(new RequestRecord(
                "r",
                "l",
                "POST",
                "/v1/completions",
                "a",
                "a",
                "default/pool",
                "h:1",
                200,
                5 * MS,
                90 * MS,
                -1,
                3,
                0,
                "upstream_disconnected",
                1));
        Exposed e = Exposed.parse(m.scrape(null, null));
        assertThat(e.value("inference_objective_request_error_total{model_name=\"a\",target_model_name=\"a\","
                        + "error_code=\"ModelServerError\"}"))
                .isEqualTo(1);
        assertThat(e.samples.keySet()).noneMatch(k -> k.startsWith("inference_objective_request_duration_seconds"));
    }

    @Test
    void unknownTimesAndTokensAreNotObserved() {
        GatewayMetrics m = new GatewayMetrics();
        m.onComplete(new RequestRecord(
                "r",
                "l",
                "POST",
                "/v1/embeddings",
                "e",
                "e",
                "default/pool",
                "h:1",
                200,
                -1,
                20 * MS,
                7,
                -1,
                0,
                null,
                1));
        Exposed e = Exposed.parse(m.scrape(null, null));
        String labels = "{model_name=\"e\",target_model_name=\"e\"}";
        assertThat(e.value("inference_objective_request_duration_seconds_count" + labels))
                .isEqualTo(1);
        assertThat(e.value("inference_objective_input_tokens_count" + labels)).isEqualTo(1);
        assertThat(e.samples)
                .doesNotContainKeys(
                        "inference_objective_request_ttft_seconds_count" + labels,
                        "inference_objective_output_tokens_count" + labels,
                        "inference_objective_normalized_time_per_output_token_seconds_count" + labels);
    }

    @Test
    void requestsWithoutAModelOnlyCountInOurOwnTotals() {
        GatewayMetrics m = new GatewayMetrics();
        m.onComplete(new RequestRecord(
                "r", "default/gw/http", "GET", "/v1/models", null, null, null, null, 200, -1, MS, -1, -1, 0, null, 0));
        Exposed e = Exposed.parse(m.scrape(null, null));
        assertThat(e.value("infergate_requests_total{listener=\"default/gw/http\",code=\"200\"}"))
                .isEqualTo(1);
        assertThat(e.samples.keySet()).noneMatch(k -> k.startsWith("inference_"));
    }

    @Test
    void retriesAndEndpointsAreCounted() {
        GatewayMetrics m = new GatewayMetrics();
        m.onComplete(new RequestRecord(
                "r",
                "l",
                "POST",
                "/v1/completions",
                "a",
                "a",
                "default/pool",
                "10.0.0.2:8000",
                200,
                MS,
                2 * MS,
                1,
                1,
                0,
                null,
                3));
        Exposed e = Exposed.parse(m.scrape(null, null));
        assertThat(e.value("infergate_upstream_retries_total{pool=\"default/pool\"}"))
                .isEqualTo(2);
        assertThat(e.value("infergate_endpoint_requests_total{pool=\"default/pool\",endpoint=\"10.0.0.2:8000\"}"))
                .isEqualTo(1);
    }

    @Test
    void edgeRefusalsHaveOneSeriesPerReasonZerosIncluded() {
        EdgeRefusals refusals = new EdgeRefusals();
        refusals.refused(EdgeRefusals.Reason.HEADER_TIMEOUT);
        refusals.refused(EdgeRefusals.Reason.HEADER_TIMEOUT);
        refusals.refused(EdgeRefusals.Reason.TOO_MANY_STREAMS);
        String text = new GatewayMetrics().scrape(null, null, null, refusals);
        Exposed e = Exposed.parse(text);
        assertThat(e.value("infergate_edge_refusals_total{reason=\"header_timeout\"}"))
                .isEqualTo(2);
        assertThat(e.value("infergate_edge_refusals_total{reason=\"too_many_streams\"}"))
                .isEqualTo(1);
        assertThat(e.value("infergate_edge_refusals_total{reason=\"invalid_host\"}"))
                .isEqualTo(0);
        assertThat(e.samples.keySet().stream().filter(k -> k.startsWith("infergate_edge_refusals_total")))
                .hasSize(EdgeRefusals.Reason.values().length);
        assertThat(text).contains("# TYPE infergate_edge_refusals_total counter");
        // without the counters (epp, tools) the family is left out
        assertThat(new GatewayMetrics().scrape(null, null)).doesNotContain("infergate_edge_refusals_total");
    }

    @Test
    void labelValuesAreEscaped() {
        GatewayMetrics m = new GatewayMetrics();
        m.onComplete(ok("we\"ird\\mo\ndel", "t", 0));
        String text = m.scrape(null, null);
        Exposed e = Exposed.parse(text);
        assertThat(e.value("inference_model_request_total{model_name=\"we\\\"ird\\\\mo\\ndel\","
                        + "target_model_name=\"t\"}"))
                .isEqualTo(1);
    }

    @Test
    void legacyNamesCanBeTurnedOff() {
        GatewayMetrics m = new GatewayMetrics(false);
        m.onComplete(ok("a", "a", 0));
        assertThat(Exposed.parse(m.scrape(null, null)).types.keySet()).noneMatch(k -> k.startsWith("inference_model_"));
    }

    @Test
    void poolGaugesComeFromTheServedConfiguration() {
        LoadResult r = Manifests.load("pool.yaml", """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: m}}
                  targetPorts: [{number: 8000}, {number: 8001}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: a, labels: {app: m}}
                status: {podIP: 10.0.0.1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: b, labels: {app: m}}
                status: {podIP: 10.0.0.2, phase: Pending}
                """);
        assertThat(r.errors()).isEmpty();
        GatewayConfig config = GatewayConfig.compile(r.manifests());
        InFlightTracker inFlight = new InFlightTracker();
        Endpoint first = config.pools().get(0).snapshot().endpoints().get(0);
        Lease lease = inFlight.acquire(first);
        Exposed e = Exposed.parse(new GatewayMetrics().scrape(config, inFlight));
        assertThat(e.types).containsEntry("inference_pool_ready_pods", "gauge");
        assertThat(e.value("inference_pool_ready_pods{name=\"pool\",namespace=\"default\"}"))
                .isEqualTo(2);
        assertThat(e.value("infergate_endpoint_in_flight_requests{pool=\"default/pool\",endpoint=\"10.0.0.1:8000\"}"))
                .isEqualTo(1);
        assertThat(e.value("infergate_endpoint_in_flight_requests{pool=\"default/pool\",endpoint=\"10.0.0.1:8001\"}"))
                .isZero();
        lease.release();
    }

    private static final String MANIFESTS = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: pool}
            spec:
              selector: {matchLabels: {app: sim}}
              targetPorts: [{number: 8000}]
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceModel
            metadata: {name: canary}
            spec:
              modelName: canary
              poolRef: {group: inference.networking.k8s.io, name: pool}
              targetModels: [{name: lora-v1, weight: 90}, {name: lora-v2, weight: 10}]
            """;

    @Test
    void clientChosenNamesAreCountedUnderOtherAndTheSeriesStayBounded() {
        LoadResult r = Manifests.load("t.yaml", MANIFESTS);
        assertThat(r.errors()).isEmpty();
        GatewayConfig config = GatewayConfig.compile(r.manifests());
        GatewayMetrics m = new GatewayMetrics(config::knownModels, true);
        m.onComplete(ok("canary", "lora-v1", 0));
        String before = m.scrape(config, null);
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            String name = "client-" + Long.toHexString(random.nextLong()) + "-" + "x".repeat(1000);
            // a strict pool's 404, a forwarded unknown name (non-strict pool: target = incoming), a shed one, and a
            // known name rewritten by a client's header to an unknown target
            RequestRecord rec = switch (i % 4) {
                case 0 -> failed404(name);
                case 1 -> ok(name, name, 0);
                case 2 -> shed(name);
                default -> ok("canary", name, 0);
            };
            m.onComplete(rec);
        }
        String after = m.scrape(config, null);
        assertThat(after).doesNotContain("client-");
        assertThat(after)
                .contains("inference_objective_request_total{model_name=\"other\",target_model_name=\"other\","
                        + "priority=\"0\"} 125")
                .contains("inference_objective_request_total{model_name=\"canary\",target_model_name=\"other\","
                        + "priority=\"0\"} 125")
                .contains("inference_objective_request_error_total{model_name=\"other\",target_model_name=\"\","
                        + "error_code=\"NotFound\"} 125")
                .contains("infergate_requests_shed_total{pool=\"default/pool\",model_name=\"other\"} 125");
        // the same families, a few more label sets (other/other, other/"", canary/other), never one per name
        assertThat(seriesCount(after)).isLessThanOrEqualTo(seriesCount(before) * 4);
        assertThat(after.length()).isLessThan(before.length() * 4);
    }

    @Test
    void namesTheConfigurationDeclaresStayLabelValues() {
        GatewayConfig config =
                GatewayConfig.compile(Manifests.load("t.yaml", MANIFESTS).manifests());
        assertThat(config.knownModels().label("canary")).isEqualTo("canary");
        assertThat(config.knownModels().label("lora-v2")).isEqualTo("lora-v2");
        assertThat(config.knownModels().label("pool")).isEqualTo("pool");
        assertThat(config.knownModels().label("gpt-4")).isEqualTo("other");
        assertThat(config.knownModels().label(null)).isEmpty();
    }

    private static long seriesCount(String exposition) {
        return exposition
                .lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .count();
    }

    private static RequestRecord failed404(String model) {
        return new RequestRecord(
                "r3",
                "default/gw/http",
                "POST",
                "/v1/completions",
                model,
                null,
                "default/pool",
                null,
                404,
                -1,
                MS,
                -1,
                -1,
                0,
                "invalid_request_error",
                0);
    }

    private static RequestRecord shed(String model) {
        return new RequestRecord(
                "r4",
                "default/gw/http",
                "POST",
                "/v1/completions",
                model,
                model,
                "default/pool",
                null,
                429,
                -1,
                MS,
                -1,
                -1,
                -1,
                "rate_limit_error",
                0);
    }
}
