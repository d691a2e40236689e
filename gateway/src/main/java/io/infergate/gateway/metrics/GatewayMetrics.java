package io.infergate.gateway.metrics;

import io.infergate.gateway.EdgeRefusals;
import io.infergate.gateway.ProxyListener;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.KnownModelNames;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.datastore.PoolState;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pipeline.ErrorCode;
import io.infergate.scheduler.prefix.PrefixIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's Prometheus metrics: records every finished request ({@link #onComplete}) and renders the text
 * exposition ({@link #scrape}).
 *
 * <h2>Families</h2>
 * Per (incoming {@code model_name}, {@code target_model_name}), with the Inference Extension EPP's names, types,
 * labels and buckets (GIE v1.5.0 {@code pkg/epp/metrics/metrics.go}):
 * <ul>
 *   <li>{@code inference_objective_request_total} (+ {@code priority}), {@code _request_error_total}
 *       (+ {@code error_code}, the EPP's codes), {@code _request_duration_seconds}, {@code _request_ttft_seconds},
 *       {@code _request_tpot_seconds}, {@code _normalized_time_per_output_token_seconds}, {@code _input_tokens},
 *       {@code _output_tokens};</li>
 *   <li>the same under the v0.5 names {@code inference_model_*} for the families v0.5 had (request total without
 *       {@code priority}, errors, duration, NTPOT, input and output tokens; v0.5 had no TTFT or TPOT), so
 *       dashboards of either era work; {@link #GatewayMetrics(boolean) turn them off} if unwanted;</li>
 *   <li>{@code inference_pool_ready_pods{name,namespace}}: ready endpoints (pod x target port, as the EPP counts
 *       them) of each pool of the current configuration, computed at scrape time, without those whose
 *       {@code /metrics} scrape failed or is stale ({@link ReadyEndpoints}) unless the view says otherwise (the
 *       endpoint picker counts as GIE's EPP does);</li>
 *   <li>from the endpoint picker's datastore ({@link SchedulingView}), at scrape time:
 *       {@code inference_pool_average_kv_cache_utilization}, {@code _average_queue_size} and
 *       {@code _average_running_requests{name,namespace}}, means over the pool's <em>fresh</em> endpoints only
 *       ({@link EndpointFreshness}: last scrape succeeded, at most 2 s old; an endpoint whose scrape lacked the value
 *       does not count for it; no sample while no endpoint qualifies, where the EPP would keep its last value);
 *       {@code inference_pool_per_pod_queue_size{name,namespace,model_server_pod}}, the last waiting queue read of
 *       every endpoint (stale ones too, as the EPP; never-read ones are left out);
 *       {@code inference_extension_prefix_indexer_size} (no labels, as the EPP: the sum over all pools);
 *       ours beside it: {@code infergate_prefix_index_dropped_updates_total{pool}} (updates the background learner
 *       could not take, so the index missed them);
 *       {@code inference_extension_scheduler_e2e_duration_seconds} (no labels, the EPP's buckets);</li>
 *   <li>ours: {@code infergate_requests_total{listener,code}} for every request (also those without a model),
 *       {@code infergate_upstream_retries_total{pool}}, {@code infergate_endpoint_requests_total{pool,endpoint}},
 *       {@code infergate_requests_shed_total{pool,model_name}} (429 {@code rate_limit_error} from the picker),
 *       {@code infergate_client_objectives_refused_total{pool}} (a client's {@code x-gateway-inference-objective}
 *       that the pool's client-objectives setting ignored),
 *       {@code infergate_endpoint_in_flight_requests} and {@code _in_flight_tokens{pool,endpoint}} (the picker's
 *       own load signals), {@code infergate_endpoint_metrics_age_seconds{pool,endpoint}} (endpoints read at least
 *       once) and {@code infergate_endpoint_stale{pool,endpoint}} (1 or 0).</li>
 * </ul>
 * The pool families {@code inference_pool_*} carry {@code namespace} next to the EPP's {@code name}: one EPP serves
 * one pool, one gateway several, and two pools of one name would otherwise collide.
 *
 * <p>Which request lands where: a request counts in {@code request_total} when it has a model name; when its status
 * is not 2xx, or it carries an error type (a stream cut short after its 2xx headers went out), it also counts in
 * {@code request_error_total} and nothing else; a successful request feeds the duration,
 * token (only counts above 0, as the EPP does), TTFT (when a first token was seen), NTPOT (latency / output
 * tokens) and TPOT ((latency - TTFT) / (output tokens - 1)) histograms.
 *
 * <p>Not exported because nothing measures them yet (they are left out rather than faked):
 * {@code inference_objective_running_requests} (needs a request-start hook), {@code _request_sizes},
 * {@code _response_sizes} and {@code _prompt_cached_tokens} (the request record carries no byte counts or cached
 * tokens), and the {@code inference_extension_flow_control_*} families (no flow controller is wired into the
 * gateway yet).
 *
 * <p>Threading: {@link #onComplete} is called on event loops; it never blocks and allocates only a label key
 * on the way to existing series (first sight of a label set allocates the series). {@link #scrape} may run on
 * any thread concurrently with recording; it sorts label sets so the output is deterministic.
 *
 * <p><b>Bounded labels.</b> {@code model_name} and {@code target_model_name} come from requests, so only names the
 * current configuration declares ({@link KnownModelNames}, read from the supplier at each record) become label
 * values; every other name, in a 404 or forwarded by a non-strict pool, is counted under
 * {@value KnownModelNames#OTHER}. Series of names a reload removed stay (counters must not go back) but no longer
 * grow. Label values are also escaped, so no name can break the exposition.
 */
public final class GatewayMetrics implements ProxyListener {

    private static final List<String> MODEL = List.of("model_name", "target_model_name");
    private static final List<String> MODEL_PRIORITY = List.of("model_name", "target_model_name", "priority");
    private static final List<String> MODEL_ERROR = List.of("model_name", "target_model_name", "error_code");
    private static final List<String> POOL = List.of("name", "namespace");
    private static final List<String> POOL_POD = List.of("name", "namespace", "model_server_pod");
    private static final List<String> POOL_MODEL = List.of("pool", "model_name");
    private static final List<String> LISTENER_CODE = List.of("listener", "code");
    private static final List<String> POOL_ONLY = List.of("pool");
    private static final List<String> REASON = List.of("reason");
    private static final List<String> POOL_ENDPOINT = List.of("pool", "endpoint");
    /** The status a record carries when the client went away before the end (nginx's convention). */
    private static final int CLIENT_CLOSED = 499;

    private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private record ModelKey(String model, String target) {}

    private record ListenerKey(String listener, int status) {}

    private record EndpointKey(String pool, String endpoint) {}

    private record ShedKey(String pool, String model) {}

    private final boolean legacyModelNames;
    private final ConcurrentHashMap<ModelKey, ModelSeries> models = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ListenerKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> retries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> objectivesRefused = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<EndpointKey, LongAdder> endpointRequests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ShedKey, LongAdder> shed = new ConcurrentHashMap<>();

    private final Supplier<KnownModelNames> known;

    /**
     * Metrics with both the current and the legacy ({@code inference_model_*}) names, every model name a label
     * value ({@link KnownModelNames#ANY}): for tests and tools, not for a server that takes clients' names.
     */
    public GatewayMetrics() {
        this(true);
    }

    /** @param legacyModelNames whether to also render the v0.5 {@code inference_model_*} families */
    public GatewayMetrics(boolean legacyModelNames) {
        this(() -> KnownModelNames.ANY, legacyModelNames);
    }

    /**
     * @param known            the current configuration's names (called once per recorded request; must be cheap
     *                         and never block, e.g. a read of the published config); null from it means none
     * @param legacyModelNames whether to also render the v0.5 {@code inference_model_*} families
     */
    public GatewayMetrics(Supplier<KnownModelNames> known, boolean legacyModelNames) {
        this.known = Objects.requireNonNull(known, "known");
        this.legacyModelNames = legacyModelNames;
    }

    @Override
    public void onComplete(RequestRecord r) {
        KnownModelNames names = known.get();
        if (names == null) {
            names = KnownModelNames.NONE;
        }
        requests.computeIfAbsent(new ListenerKey(orEmpty(r.listener()), r.status()), k -> new LongAdder())
                .increment();
        if (r.pool() != null && r.attempts() > 1) {
            retries.computeIfAbsent(r.pool(), k -> new LongAdder()).add(r.attempts() - 1L);
        }
        if (r.pool() != null && r.objectiveRefused()) {
            objectivesRefused.computeIfAbsent(r.pool(), k -> new LongAdder()).increment();
        }
        if (r.pool() != null && r.endpoint() != null) {
            endpointRequests
                    .computeIfAbsent(new EndpointKey(r.pool(), r.endpoint()), k -> new LongAdder())
                    .increment();
        }
        if (r.pool() != null
                && r.status() == ErrorCode.SHED.status()
                && ErrorCode.SHED.type().equals(r.errorType())) {
            // the gateway's own 429 (a model server's 429 is passed on without an error type)
            shed.computeIfAbsent(new ShedKey(r.pool(), names.label(r.incomingModel())), k -> new LongAdder())
                    .increment();
        }
        if (r.incomingModel() == null || r.incomingModel().isEmpty()) {
            return;
        }
        ModelSeries s = models.computeIfAbsent(
                new ModelKey(names.label(r.incomingModel()), names.label(r.targetModel())), k -> new ModelSeries());
        s.request(r.priority());
        boolean ok = r.status() >= 200 && r.status() <= 299;
        if (!ok || r.errorType() != null) {
            // a 2xx with an error type is a response cut short after it started: the model server broke off
            s.error(ok ? ErrorCodes.MODEL_SERVER_ERROR : ErrorCodes.of(r.status(), isUpstreamError(r)));
            return;
        }
        double seconds = r.durationNanos() / NANOS_PER_SECOND;
        s.duration.observe(seconds);
        if (r.ttftNanos() > 0) {
            s.ttft.observe(r.ttftNanos() / NANOS_PER_SECOND);
        }
        if (r.promptTokens() > 0) {
            s.inputTokens.observe(r.promptTokens());
        }
        if (r.completionTokens() > 0) {
            s.outputTokens.observe(r.completionTokens());
            s.ntpot.observe(seconds / r.completionTokens());
            if (r.completionTokens() > 1 && r.ttftNanos() > 0 && r.durationNanos() >= r.ttftNanos()) {
                s.tpot.observe((r.durationNanos() - r.ttftNanos()) / NANOS_PER_SECOND / (r.completionTokens() - 1));
            }
        }
    }

    /**
     * Whether the model server produced the error response: an endpoint answered and the gateway named no error
     * type of its own (the record's {@code errorType} is set for errors the gateway produced or mapped).
     */
    private static boolean isUpstreamError(RequestRecord r) {
        return r.endpoint() != null && r.errorType() == null && r.status() != CLIENT_CLOSED;
    }

    /** The content type of {@link #scrape}'s output. */
    public static String contentType() {
        return Exposition.CONTENT_TYPE;
    }

    /**
     * Renders every family but those of the endpoint picker's datastore.
     *
     * @param config   the configuration being served, for the pool gauges; null leaves them out
     * @param inFlight the data plane's in-flight counters; null leaves the in-flight gauges out
     */
    public String scrape(GatewayConfig config, InFlightTracker inFlight) {
        return scrape(config, inFlight, null);
    }

    /**
     * Renders every family.
     *
     * @param config     the configuration being served, for the pool gauges; null leaves them out
     * @param inFlight   the data plane's in-flight counters; null leaves the in-flight gauges out
     * @param scheduling the endpoint picker's state; null leaves out the scraped-metrics gauges, the prefix index
     *                   size and the scheduling latency
     */
    public String scrape(GatewayConfig config, InFlightTracker inFlight, SchedulingView scheduling) {
        return scrape(config, inFlight, scheduling, null);
    }

    /**
     * Renders every family, with the edge's refusals.
     *
     * @param refusals the gateway's edge refusal counters; null leaves {@code infergate_edge_refusals_total} out
     */
    public String scrape(
            GatewayConfig config, InFlightTracker inFlight, SchedulingView scheduling, EdgeRefusals refusals) {
        StringBuilder sb = new StringBuilder(8192);
        Exposition out = new Exposition(sb);
        List<Map.Entry<ModelKey, ModelSeries>> series =
                sorted(models, Comparator.comparing(ModelKey::model).thenComparing(ModelKey::target));
        writeObjective(out, "inference_objective", series, true);
        if (legacyModelNames) {
            writeObjective(out, "inference_model", series, false);
        }
        if (config != null) {
            writePools(out, config, inFlight, scheduling);
        }
        if (scheduling != null && scheduling.latency() != null) {
            String name = "inference_extension_scheduler_e2e_duration_seconds";
            out.family(name, "histogram", "End-to-end scheduling latency distribution in seconds.");
            out.histogram(name, List.of(), List.of(), scheduling.latency().histogram());
        }
        out.family(
                "infergate_requests_total",
                "counter",
                "Requests the gateway answered, by listener and HTTP status (499: the client went away first).");
        for (var e :
                sorted(requests, Comparator.comparing(ListenerKey::listener).thenComparingInt(ListenerKey::status))) {
            out.sample(
                    "infergate_requests_total",
                    LISTENER_CODE,
                    List.of(e.getKey().listener(), Integer.toString(e.getKey().status())),
                    e.getValue().sum());
        }
        out.family(
                "infergate_upstream_retries_total",
                "counter",
                "Upstream attempts after the first (connect failure or 5xx before any byte reached the client).");
        for (var e : sorted(retries, Comparator.naturalOrder())) {
            out.sample(
                    "infergate_upstream_retries_total",
                    POOL_ONLY,
                    List.of(e.getKey()),
                    e.getValue().sum());
        }
        out.family(
                "infergate_client_objectives_refused_total",
                "counter",
                "Requests whose x-gateway-inference-objective header the pool did not let the client choose (the"
                        + " model's priority applied instead).");
        for (var e : sorted(objectivesRefused, Comparator.naturalOrder())) {
            out.sample(
                    "infergate_client_objectives_refused_total",
                    POOL_ONLY,
                    List.of(e.getKey()),
                    e.getValue().sum());
        }
        out.family("infergate_endpoint_requests_total", "counter", "Requests served by each pool endpoint.");
        for (var e : sorted(
                endpointRequests, Comparator.comparing(EndpointKey::pool).thenComparing(EndpointKey::endpoint))) {
            out.sample(
                    "infergate_endpoint_requests_total",
                    POOL_ENDPOINT,
                    List.of(e.getKey().pool(), e.getKey().endpoint()),
                    e.getValue().sum());
        }
        out.family(
                "infergate_requests_shed_total",
                "counter",
                "Requests the endpoint picker refused with 429 (pool saturated and the request sheddable, or no"
                        + " endpoint fits), by pool and incoming model.");
        for (var e : sorted(shed, Comparator.comparing(ShedKey::pool).thenComparing(ShedKey::model))) {
            out.sample(
                    "infergate_requests_shed_total",
                    POOL_MODEL,
                    List.of(e.getKey().pool(), e.getKey().model()),
                    e.getValue().sum());
        }
        if (refusals != null) {
            out.family(
                    "infergate_edge_refusals_total",
                    "counter",
                    "Connections, streams and requests the edge refused before routing, by reason (a fixed set).");
            for (EdgeRefusals.Reason reason : EdgeRefusals.Reason.values()) {
                out.sample("infergate_edge_refusals_total", REASON, List.of(reason.label()), refusals.count(reason));
            }
        }
        return sb.toString();
    }

    private static void writeObjective(
            Exposition out, String prefix, List<Map.Entry<ModelKey, ModelSeries>> series, boolean current) {
        String what = current ? "inference objective" : "inference model";
        String total = prefix + "_request_total";
        out.family(total, "counter", "Counter of " + what + " requests broken out for each model and target model.");
        for (var e : series) {
            ModelKey k = e.getKey();
            if (current) {
                for (var p : sorted(e.getValue().requestsByPriority, Comparator.naturalOrder())) {
                    out.sample(
                            total,
                            MODEL_PRIORITY,
                            List.of(k.model(), k.target(), p.getKey().toString()),
                            p.getValue().sum());
                }
            } else {
                out.sample(
                        total,
                        MODEL,
                        List.of(k.model(), k.target()),
                        e.getValue().requests());
            }
        }
        String errors = prefix + "_request_error_total";
        out.family(
                errors,
                "counter",
                "Counter of " + what + " requests errors broken out for each model and target model.");
        for (var e : series) {
            ModelKey k = e.getKey();
            for (var c : sorted(e.getValue().errorsByCode, Comparator.naturalOrder())) {
                out.sample(
                        errors,
                        MODEL_ERROR,
                        List.of(k.model(), k.target(), c.getKey()),
                        c.getValue().sum());
            }
        }
        histograms(
                out,
                prefix + "_request_duration_seconds",
                what + " response latency distribution in seconds for each model and target model.",
                series,
                s -> s.duration);
        if (current) {
            histograms(
                    out,
                    prefix + "_request_ttft_seconds",
                    what + " time to first token distribution in seconds for each model and target model.",
                    series,
                    s -> s.ttft);
            histograms(
                    out,
                    prefix + "_request_tpot_seconds",
                    what + " time per output token after the first, in seconds, for each model and target model.",
                    series,
                    s -> s.tpot);
        }
        histograms(
                out,
                prefix + "_normalized_time_per_output_token_seconds",
                what + " latency divided by number of output tokens in seconds for each model and target model.",
                series,
                s -> s.ntpot);
        histograms(
                out,
                prefix + "_input_tokens",
                what + " input token count distribution for requests in each model.",
                series,
                s -> s.inputTokens);
        histograms(
                out,
                prefix + "_output_tokens",
                what + " output token count distribution for requests in each model.",
                series,
                s -> s.outputTokens);
    }

    private static void histograms(
            Exposition out,
            String name,
            String help,
            List<Map.Entry<ModelKey, ModelSeries>> series,
            Function<ModelSeries, Histogram> h) {
        out.family(name, "histogram", Character.toUpperCase(help.charAt(0)) + help.substring(1));
        for (var e : series) {
            Histogram histogram = h.apply(e.getValue());
            if (histogram.snapshot().count() > 0) {
                out.histogram(
                        name, MODEL, List.of(e.getKey().model(), e.getKey().target()), histogram);
            }
        }
    }

    private static void writePools(
            Exposition out, GatewayConfig config, InFlightTracker inFlight, SchedulingView scheduling) {
        List<PoolRuntime> pools = new ArrayList<>(config.pools());
        pools.sort(Comparator.comparing((PoolRuntime p) -> p.id().namespace()).thenComparing(p -> p.id().name()));
        out.family("inference_pool_ready_pods", "gauge", "The number of ready pods in the inference server pool.");
        for (PoolRuntime p : pools) {
            long ready = scheduling == null || !scheduling.readyNeedsMetrics()
                    ? p.snapshot().endpoints().size()
                    : ReadyEndpoints.count(p, scheduling.datastore(), scheduling.nowNanos());
            out.sample("inference_pool_ready_pods", POOL, List.of(p.id().name(), p.id().namespace()), ready);
        }
        Map<PoolRuntime, List<Scraped>> scraped = scheduling == null ? Map.of() : scraped(pools, scheduling);
        if (scheduling != null) {
            writeScrapedPools(out, pools, scraped, scheduling);
        }
        if (inFlight != null) {
            out.family(
                    "infergate_endpoint_in_flight_requests",
                    "gauge",
                    "Requests this gateway has in flight on each pool endpoint.");
            for (PoolRuntime p : pools) {
                for (Endpoint e : distinctAddresses(p.snapshot().endpoints())) {
                    out.sample(
                            "infergate_endpoint_in_flight_requests",
                            POOL_ENDPOINT,
                            List.of(p.id().toString(), e.hostPort()),
                            (long) inFlight.inFlight(e));
                }
            }
            out.family(
                    "infergate_endpoint_in_flight_tokens",
                    "gauge",
                    "Tokens this gateway's in-flight requests on each pool endpoint are still expected to cost"
                            + " (prompt tokens until the first token, plus the output estimate).");
            for (PoolRuntime p : pools) {
                for (Endpoint e : distinctAddresses(p.snapshot().endpoints())) {
                    out.sample(
                            "infergate_endpoint_in_flight_tokens",
                            POOL_ENDPOINT,
                            List.of(p.id().toString(), e.hostPort()),
                            inFlight.inFlightTokens(e));
                }
            }
        }
        if (scheduling != null) {
            writeFreshness(out, scraped);
        }
    }

    /** One endpoint's slot as this scrape saw it: its metrics and their freshness, read once. */
    private record Scraped(Endpoint endpoint, ModelServerMetrics metrics, EndpointFreshness freshness) {}

    /** Each pool's distinct slots (two endpoints at one address share one) with one read of their metrics. */
    private static Map<PoolRuntime, List<Scraped>> scraped(List<PoolRuntime> pools, SchedulingView scheduling) {
        Map<PoolRuntime, List<Scraped>> out = new LinkedHashMap<>();
        for (PoolRuntime p : pools) {
            PoolState state = scheduling.datastore().state(p.id());
            if (state == null) {
                continue; // not published yet: nothing scraped to show
            }
            List<Scraped> list = new ArrayList<>(state.slots().size());
            Set<EndpointSlot> seen = new HashSet<>();
            for (EndpointSlot slot : state.slots()) {
                if (seen.add(slot)) {
                    ScrapedMetrics m = slot.metrics(); // one volatile read: values and freshness agree
                    list.add(new Scraped(slot.endpoint(), m.metrics(), EndpointFreshness.of(m, scheduling.nowNanos())));
                }
            }
            out.put(p, list);
        }
        return out;
    }

    private static void writeScrapedPools(
            Exposition out,
            List<PoolRuntime> pools,
            Map<PoolRuntime, List<Scraped>> scraped,
            SchedulingView scheduling) {
        averages(
                out,
                "inference_pool_average_kv_cache_utilization",
                "The average kv cache utilization for an inference server pool.",
                scraped,
                ModelServerMetrics::hasKvUsage,
                ModelServerMetrics::kvUsage);
        averages(
                out,
                "inference_pool_average_queue_size",
                "The average number of requests pending in the model server queue.",
                scraped,
                ModelServerMetrics::hasWaitingQueue,
                ModelServerMetrics::waitingQueue);
        averages(
                out,
                "inference_pool_average_running_requests",
                "The average number of running requests across model servers in the pool.",
                scraped,
                ModelServerMetrics::hasRunningRequests,
                ModelServerMetrics::runningRequests);
        out.family(
                "inference_pool_per_pod_queue_size",
                "gauge",
                "The total number of requests pending in the model server queue for each underlying pod.");
        scraped.forEach((p, list) -> {
            for (Scraped s : list) {
                if (s.metrics().hasWaitingQueue()) {
                    out.sample(
                            "inference_pool_per_pod_queue_size",
                            POOL_POD,
                            List.of(
                                    p.id().name(),
                                    p.id().namespace(),
                                    s.endpoint().name()),
                            (long) s.metrics().waitingQueue());
                }
            }
        });
        if (scheduling.pickers() != null) {
            long size = 0;
            for (PoolRuntime p : pools) {
                PrefixIndex index = scheduling.pickers().prefixIndex(p.id());
                size += index == null ? 0 : index.size();
            }
            out.family("inference_extension_prefix_indexer_size", "gauge", "Size of the prefix indexer.");
            out.sample("inference_extension_prefix_indexer_size", List.of(), List.of(), size);
            out.family(
                    "infergate_prefix_index_dropped_updates_total",
                    "counter",
                    "Prefix-index updates dropped because the background learner's queue was full.");
            for (PoolRuntime p : pools) {
                PrefixIndex index = scheduling.pickers().prefixIndex(p.id());
                if (index != null) {
                    out.sample(
                            "infergate_prefix_index_dropped_updates_total",
                            POOL_ONLY,
                            List.of(p.id().toString()),
                            index.droppedUpdates());
                }
            }
        }
    }

    /** The mean of a value over each pool's fresh endpoints that have it; no sample for a pool without one. */
    private static void averages(
            Exposition out,
            String name,
            String help,
            Map<PoolRuntime, List<Scraped>> scraped,
            Predicate<ModelServerMetrics> has,
            ToDoubleFunction<ModelServerMetrics> value) {
        out.family(name, "gauge", help);
        scraped.forEach((p, list) -> {
            double sum = 0;
            int n = 0;
            for (Scraped s : list) {
                if (s.freshness().fresh() && has.test(s.metrics())) {
                    sum += value.applyAsDouble(s.metrics());
                    n++;
                }
            }
            if (n > 0) {
                out.sample(name, POOL, List.of(p.id().name(), p.id().namespace()), sum / n);
            }
        });
    }

    private static void writeFreshness(Exposition out, Map<PoolRuntime, List<Scraped>> scraped) {
        out.family(
                "infergate_endpoint_metrics_age_seconds",
                "gauge",
                "Age of each endpoint's last successfully scraped model-server metrics (endpoints never read are"
                        + " absent).");
        scraped.forEach((p, list) -> {
            for (Scraped s : list) {
                if (s.freshness().everRead()) {
                    out.sample(
                            "infergate_endpoint_metrics_age_seconds",
                            POOL_ENDPOINT,
                            List.of(p.id().toString(), s.endpoint().hostPort()),
                            s.freshness().ageNanos() / NANOS_PER_SECOND);
                }
            }
        });
        out.family(
                "infergate_endpoint_stale",
                "gauge",
                "1 when an endpoint's metrics are stale (last scrape failed, never read, or older than "
                        + EndpointFreshness.STALENESS_THRESHOLD.toSeconds() + " s), else 0.");
        scraped.forEach((p, list) -> {
            for (Scraped s : list) {
                out.sample(
                        "infergate_endpoint_stale",
                        POOL_ENDPOINT,
                        List.of(p.id().toString(), s.endpoint().hostPort()),
                        s.freshness().fresh() ? 0L : 1L);
            }
        });
    }

    /** The endpoints with the first of each address: counters are per address, a series per address too. */
    private static List<Endpoint> distinctAddresses(List<Endpoint> endpoints) {
        Set<String> seen = new HashSet<>();
        List<Endpoint> out = new ArrayList<>(endpoints.size());
        for (Endpoint e : endpoints) {
            if (seen.add(e.hostPort())) {
                out.add(e);
            }
        }
        return out;
    }

    private static <K, V> List<Map.Entry<K, V>> sorted(Map<K, V> map, Comparator<? super K> order) {
        List<Map.Entry<K, V>> out = new ArrayList<>(map.entrySet());
        out.sort(Map.Entry.comparingByKey(order));
        return out;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
