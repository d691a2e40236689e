package io.infergate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.gateway.picker.PoolPickers;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.MetricsProblem;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.Lease;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The families read from the endpoint picker: pool averages, per-endpoint freshness, prefix index, latency. */
class SchedulingMetricsTest {

    private static final long MS = 1_000_000L;
    private static final long NOW = 10_000 * MS;

    /**
     * Pool {@code default/pool}: a and b fresh (b exactly at the 2 s threshold), c 1 ms past it, d read 50 ms ago but
     * its latest scrape failed, e never read. Pool {@code default/cold}: f never read.
     */
    private static final String MANIFESTS =
            """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: pool}
            spec:
              selector: {matchLabels: {app: m}}
              targetPorts: [{number: 8000}]
            ---
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: cold}
            spec:
              selector: {matchLabels: {app: c}}
              targetPorts: [{number: 8000}]
            """ + pod("a", "10.0.0.1", "m") + pod("b", "10.0.0.2", "m") + pod("c", "10.0.0.3", "m")
                    + pod("d", "10.0.0.4", "m") + pod("e", "10.0.0.5", "m") + pod("f", "10.0.0.6", "c");

    private static String pod(String name, String ip, String app) {
        return "---\napiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", labels: {app: " + app + "}}\n"
                + "status: {podIP: " + ip + "}\n";
    }

    private GatewayConfig config;
    private final Datastore datastore = new Datastore(e -> "vllm");
    private final InFlightTracker inFlight = new InFlightTracker();
    private PoolPickers pickers;
    private final SchedulerLatency latency = new SchedulerLatency();
    private final GatewayMetrics metrics = new GatewayMetrics();
    private Lease lease;

    @BeforeEach
    void setUp() {
        LoadResult r = Manifests.load("pools.yaml", MANIFESTS);
        assertThat(r.errors()).isEmpty();
        config = GatewayConfig.compile(r.manifests());
        pickers = new PoolPickers(
                datastore, inFlight, SchedulingOptions.defaults(), () -> NOW, () -> new SplittableRandom(1));
        pickers.update(config); // publishes both pools to the datastore
        Map<String, EndpointSlot> slots = datastore.state(pool("pool").id()).slots().stream()
                .collect(Collectors.toMap(EndpointSlot::hostPort, s -> s));
        slots.get("10.0.0.1:8000")
                .metrics(new ScrapedMetrics(
                        new ModelServerMetrics("vllm", 2, 3, 0.5, Set.of("sql-lora"), Set.of(), 4, 16, 1000, List.of()),
                        NOW - 100 * MS,
                        null));
        slots.get("10.0.0.2:8000")
                .metrics(new ScrapedMetrics(
                        new ModelServerMetrics(
                                "vllm",
                                5,
                                1,
                                0.25,
                                null,
                                null,
                                ModelServerMetrics.UNKNOWN,
                                ModelServerMetrics.UNKNOWN,
                                ModelServerMetrics.UNKNOWN,
                                List.of(new MetricsProblem(MetricsProblem.Kind.MISSING, "vllm:lora_requests_info"))),
                        NOW - 2000 * MS,
                        null));
        slots.get("10.0.0.3:8000")
                .metrics(new ScrapedMetrics(
                        new ModelServerMetrics("vllm", 100, 50, 1.0, null, null, -1, -1, -1, List.of()),
                        NOW - 2001 * MS,
                        null));
        slots.get("10.0.0.4:8000")
                .metrics(new ScrapedMetrics(
                        new ModelServerMetrics("vllm", 7, 7, 0.75, null, null, -1, -1, -1, List.of()),
                        NOW - 50 * MS,
                        "scrape failed: ConnectException: refused"));
        lease = inFlight.acquire(pool("pool").snapshot().endpoints().get(0), 10, 20);
        pickers.prefixIndex(pool("pool").id())
                .add(pool("pool").snapshot().endpoints().get(0), new long[] {1, 2, 3});
    }

    @AfterEach
    void release() {
        lease.release();
    }

    private PoolRuntime pool(String name) {
        return config.pools().stream()
                .filter(p -> p.id().name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private Exposed scrape() {
        return Exposed.parse(metrics.scrape(config, inFlight, new SchedulingView(datastore, pickers, latency, NOW)));
    }

    /** The samples of one family (name or name_bucket/_sum/_count), keyed exactly as written. */
    private static Map<String, Double> family(Exposed e, String name) {
        return e.samples.entrySet().stream()
                .filter(s -> s.getKey().equals(name)
                        || s.getKey().startsWith(name + "{")
                        || s.getKey().startsWith(name + "_bucket")
                        || s.getKey().startsWith(name + "_sum")
                        || s.getKey().startsWith(name + "_count"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Test
    void poolAveragesCountOnlyFreshEndpoints() {
        Exposed e = scrape();
        String pool = "{name=\"pool\",namespace=\"default\"}";
        assertThat(e.types)
                .containsEntry("inference_pool_average_kv_cache_utilization", "gauge")
                .containsEntry("inference_pool_average_queue_size", "gauge")
                .containsEntry("inference_pool_average_running_requests", "gauge");
        // a and b only: c is 1 ms too old, d failed, e never read; cold has no fresh endpoint, so no sample
        assertThat(family(e, "inference_pool_average_kv_cache_utilization"))
                .containsOnly(Map.entry("inference_pool_average_kv_cache_utilization" + pool, 0.375));
        assertThat(family(e, "inference_pool_average_queue_size"))
                .containsOnly(Map.entry("inference_pool_average_queue_size" + pool, 3.5));
        assertThat(family(e, "inference_pool_average_running_requests"))
                .containsOnly(Map.entry("inference_pool_average_running_requests" + pool, 2.0));
        assertThat(metrics.scrape(config, inFlight, new SchedulingView(datastore, pickers, latency, NOW)))
                .contains("inference_pool_average_queue_size{name=\"pool\",namespace=\"default\"} 3.5\n")
                .contains("inference_pool_ready_pods{name=\"cold\",namespace=\"default\"} 1\n");
    }

    @Test
    void perPodQueueSizeShowsTheLastValueReadOfEveryEndpoint() {
        Exposed e = scrape();
        String p = "inference_pool_per_pod_queue_size{name=\"pool\",namespace=\"default\",model_server_pod=";
        assertThat(e.types).containsEntry("inference_pool_per_pod_queue_size", "gauge");
        assertThat(family(e, "inference_pool_per_pod_queue_size"))
                .containsOnly(
                        Map.entry(p + "\"a-rank-0\"}", 2.0), Map.entry(p + "\"b-rank-0\"}", 5.0),
                        Map.entry(p + "\"c-rank-0\"}", 100.0), Map.entry(p + "\"d-rank-0\"}", 7.0));
    }

    @Test
    void endpointAgeAndStalenessCarryTheVerdict() {
        Exposed e = scrape();
        String p = "{pool=\"default/pool\",endpoint=";
        assertThat(e.types)
                .containsEntry("infergate_endpoint_metrics_age_seconds", "gauge")
                .containsEntry("infergate_endpoint_stale", "gauge");
        assertThat(family(e, "infergate_endpoint_metrics_age_seconds"))
                .containsOnly(
                        Map.entry("infergate_endpoint_metrics_age_seconds" + p + "\"10.0.0.1:8000\"}", 0.1),
                        Map.entry("infergate_endpoint_metrics_age_seconds" + p + "\"10.0.0.2:8000\"}", 2.0),
                        Map.entry("infergate_endpoint_metrics_age_seconds" + p + "\"10.0.0.3:8000\"}", 2.001),
                        Map.entry("infergate_endpoint_metrics_age_seconds" + p + "\"10.0.0.4:8000\"}", 0.05));
        assertThat(family(e, "infergate_endpoint_stale"))
                .containsOnly(
                        Map.entry("infergate_endpoint_stale" + p + "\"10.0.0.1:8000\"}", 0.0),
                        Map.entry("infergate_endpoint_stale" + p + "\"10.0.0.2:8000\"}", 0.0),
                        Map.entry("infergate_endpoint_stale" + p + "\"10.0.0.3:8000\"}", 1.0),
                        Map.entry("infergate_endpoint_stale" + p + "\"10.0.0.4:8000\"}", 1.0),
                        Map.entry("infergate_endpoint_stale" + p + "\"10.0.0.5:8000\"}", 1.0),
                        Map.entry("infergate_endpoint_stale{pool=\"default/cold\",endpoint=\"10.0.0.6:8000\"}", 1.0));
    }

    @Test
    void inFlightRequestsAndTokensPerEndpoint() {
        Exposed e = scrape();
        assertThat(e.types).containsEntry("infergate_endpoint_in_flight_tokens", "gauge");
        assertThat(e.value("infergate_endpoint_in_flight_requests{pool=\"default/pool\",endpoint=\"10.0.0.1:8000\"}"))
                .isEqualTo(1);
        assertThat(e.value("infergate_endpoint_in_flight_tokens{pool=\"default/pool\",endpoint=\"10.0.0.1:8000\"}"))
                .isEqualTo(30);
        assertThat(e.value("infergate_endpoint_in_flight_tokens{pool=\"default/pool\",endpoint=\"10.0.0.2:8000\"}"))
                .isZero();
        assertThat(family(e, "infergate_endpoint_in_flight_tokens")).hasSize(6);
    }

    @Test
    void prefixIndexerSizeIsOneUnlabelledSumAsInTheEpp() {
        Exposed e = scrape();
        assertThat(e.types).containsEntry("inference_extension_prefix_indexer_size", "gauge");
        assertThat(family(e, "inference_extension_prefix_indexer_size"))
                .containsOnly(Map.entry("inference_extension_prefix_indexer_size", 3.0));
        assertThat(e.types).containsEntry("infergate_prefix_index_dropped_updates_total", "counter");
        assertThat(e.value("infergate_prefix_index_dropped_updates_total{pool=\"default/pool\"}"))
                .isZero();
    }

    @Test
    void schedulerLatencyUsesTheEppBuckets() {
        latency.record(150_000); // 150 us
        latency.record(3 * MS);
        latency.record(-1); // a clock step backwards: ignored
        Exposed e = scrape();
        String h = "inference_extension_scheduler_e2e_duration_seconds";
        assertThat(e.types).containsEntry(h, "histogram");
        Map<String, Double> samples = family(e, h);
        assertThat(samples).hasSize(13); // 10 bounds + +Inf, _sum, _count
        assertThat(samples)
                .contains(
                        Map.entry(h + "_bucket{le=\"0.0001\"}", 0.0), Map.entry(h + "_bucket{le=\"0.0002\"}", 1.0),
                        Map.entry(h + "_bucket{le=\"0.0005\"}", 1.0), Map.entry(h + "_bucket{le=\"0.001\"}", 1.0),
                        Map.entry(h + "_bucket{le=\"0.002\"}", 1.0), Map.entry(h + "_bucket{le=\"0.005\"}", 2.0),
                        Map.entry(h + "_bucket{le=\"0.01\"}", 2.0), Map.entry(h + "_bucket{le=\"0.02\"}", 2.0),
                        Map.entry(h + "_bucket{le=\"0.05\"}", 2.0), Map.entry(h + "_bucket{le=\"0.1\"}", 2.0),
                        Map.entry(h + "_bucket{le=\"+Inf\"}", 2.0), Map.entry(h + "_count", 2.0));
        assertThat(e.value(h + "_sum")).isCloseTo(0.00315, Offset.offset(1e-15));
    }

    @Test
    void shedRequestsCountByPoolAndIncomingModel() {
        RequestRecord shed = new RequestRecord(
                "r",
                "l",
                "POST",
                "/v1/completions",
                "m",
                "m-v1",
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
        metrics.onComplete(shed);
        metrics.onComplete(shed);
        metrics.onComplete(new RequestRecord(
                "r",
                "l",
                "POST",
                "/v1/completions",
                null,
                null,
                "default/pool",
                null,
                429,
                -1,
                MS,
                -1,
                -1,
                0,
                "rate_limit_error",
                0));
        // a model server's own 429, passed on: not the gateway shedding
        metrics.onComplete(new RequestRecord(
                "r",
                "l",
                "POST",
                "/v1/completions",
                "m",
                "m-v1",
                "default/pool",
                "10.0.0.1:8000",
                429,
                -1,
                MS,
                -1,
                -1,
                0,
                null,
                1));
        Exposed e = scrape();
        assertThat(e.types).containsEntry("infergate_requests_shed_total", "counter");
        assertThat(family(e, "infergate_requests_shed_total"))
                .containsOnly(
                        Map.entry("infergate_requests_shed_total{pool=\"default/pool\",model_name=\"\"}", 1.0),
                        Map.entry("infergate_requests_shed_total{pool=\"default/pool\",model_name=\"m\"}", 2.0));
    }

    @Test
    void withoutTheSchedulingViewTheDatastoreFamiliesAreLeftOut() {
        Exposed e = Exposed.parse(metrics.scrape(config, inFlight));
        assertThat(e.types)
                .doesNotContainKeys(
                        "inference_pool_average_kv_cache_utilization",
                        "inference_pool_per_pod_queue_size",
                        "infergate_endpoint_stale",
                        "inference_extension_prefix_indexer_size",
                        "inference_extension_scheduler_e2e_duration_seconds");
        assertThat(e.types).containsKeys("inference_pool_ready_pods", "infergate_endpoint_in_flight_tokens");
    }

    @Test
    void freshnessReasons() {
        ModelServerMetrics m = ModelServerMetrics.unknown("vllm", List.of());
        assertThat(EndpointFreshness.of(ScrapedMetrics.notYet("vllm"), NOW))
                .isEqualTo(new EndpointFreshness(-1, "not scraped yet"));
        assertThat(EndpointFreshness.of(new ScrapedMetrics(m, ScrapedMetrics.NEVER, null), NOW))
                .isEqualTo(new EndpointFreshness(-1, "never read"));
        assertThat(EndpointFreshness.of(new ScrapedMetrics(m, NOW - 2000 * MS, null), NOW)
                        .fresh())
                .isTrue();
        assertThat(EndpointFreshness.of(new ScrapedMetrics(m, NOW - 2001 * MS, null), NOW))
                .isEqualTo(new EndpointFreshness(2001 * MS, "metrics are 2001 ms old (threshold 2000 ms)"));
        assertThat(EndpointFreshness.of(new ScrapedMetrics(m, NOW - 10 * MS, "scrape failed: x"), NOW))
                .isEqualTo(new EndpointFreshness(10 * MS, "scrape failed: x"));
    }
}
