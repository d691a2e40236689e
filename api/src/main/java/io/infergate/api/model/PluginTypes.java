package io.infergate.api.model;

import io.infergate.api.model.PluginType.Role;
import io.infergate.api.model.PluginType.Source;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every plugin type name an EndpointPickerConfig may use, in one list that the loader (which rejects other names)
 * and the scheduler (which implements them) share:
 * <ul>
 *   <li>every type GIE v1.5.0 registers ({@code cmd/epp/runner/runner.go}, {@code registerInTreePlugins}),
 *       including the two test-only ones ({@code header-based-testing-filter},
 *       {@code destination-endpoint-served-verifier}) that the conformance suite configures;</li>
 *   <li>the types only GIE v0.5.1 registered: the filter-tree filters and {@code kv-cache-scorer}, the earlier name
 *       of {@code kv-cache-utilization-scorer}, so that v0.5.x configurations load unchanged;</li>
 *   <li>Infergate's own scorers.</li>
 * </ul>
 * The roles are those of the Go interfaces each GIE plugin implements at v1.5.0 (and at v0.5.1 for the legacy
 * names). Whether Infergate implements a given type is the scheduler's business, not this list's.
 *
 * <p>Immutable and thread-safe.
 */
public final class PluginTypes {

    // scorers (GIE v1.5.0)
    public static final String QUEUE_SCORER = "queue-scorer";
    public static final String KV_CACHE_UTILIZATION_SCORER = "kv-cache-utilization-scorer";
    public static final String RUNNING_REQUESTS_SIZE_SCORER = "running-requests-size-scorer";
    public static final String LORA_AFFINITY_SCORER = "lora-affinity-scorer";
    public static final String PREFIX_CACHE_SCORER = "prefix-cache-scorer";
    public static final String TOKEN_LOAD_SCORER = "token-load-scorer";
    public static final String LATENCY_SCORER = "latency-scorer";
    public static final String PREDICTED_LATENCY_SCORER = "predicted-latency-scorer";
    // pickers and profile handler
    public static final String MAX_SCORE_PICKER = "max-score-picker";
    public static final String RANDOM_PICKER = "random-picker";
    public static final String WEIGHTED_RANDOM_PICKER = "weighted-random-picker";
    public static final String SINGLE_PROFILE_HANDLER = "single-profile-handler";
    // filters
    public static final String PREFIX_CACHE_AFFINITY_FILTER = "prefix-cache-affinity-filter";
    public static final String SLO_HEADROOM_TIER_FILTER = "slo-headroom-tier-filter";
    public static final String HEADER_BASED_TESTING_FILTER = "header-based-testing-filter";
    // request control
    public static final String APPROX_PREFIX_CACHE_PRODUCER = "approx-prefix-cache-producer";
    public static final String INFLIGHT_LOAD_PRODUCER = "inflight-load-producer";
    public static final String PREDICTED_LATENCY_PRODUCER = "predicted-latency-producer";
    public static final String LATENCY_SLO_ADMITTER = "latency-slo-admitter";
    public static final String REQUEST_ATTRIBUTE_REPORTER = "request-attribute-reporter";
    public static final String DESTINATION_ENDPOINT_SERVED_VERIFIER = "destination-endpoint-served-verifier";
    // flow control
    public static final String GLOBAL_STRICT_FAIRNESS_POLICY = "global-strict-fairness-policy";
    public static final String ROUND_ROBIN_FAIRNESS_POLICY = "round-robin-fairness-policy";
    public static final String FCFS_ORDERING_POLICY = "fcfs-ordering-policy";
    public static final String EDF_ORDERING_POLICY = "edf-ordering-policy";
    public static final String SLO_DEADLINE_ORDERING_POLICY = "slo-deadline-ordering-policy";
    public static final String STATIC_USAGE_LIMIT_POLICY = "static-usage-limit-policy";
    // saturation detectors
    public static final String UTILIZATION_DETECTOR = "utilization-detector";
    public static final String CONCURRENCY_DETECTOR = "concurrency-detector";
    // parsers
    public static final String OPENAI_PARSER = "openai-parser";
    public static final String VLLMGRPC_PARSER = "vllmgrpc-parser";
    public static final String PASSTHROUGH_PARSER = "passthrough-parser";
    // data layer
    public static final String METRICS_DATA_SOURCE = "metrics-data-source";
    public static final String CORE_METRICS_EXTRACTOR = "core-metrics-extractor";
    public static final String K8S_NOTIFICATION_SOURCE = "k8s-notification-source";
    public static final String ENDPOINT_NOTIFICATION_SOURCE = "endpoint-notification-source";
    // GIE v0.5.1 only
    public static final String LOW_QUEUE_FILTER = "low-queue-filter";
    public static final String LORA_AFFINITY_FILTER = "lora-affinity-filter";
    public static final String LEAST_QUEUE_FILTER = "least-queue-filter";
    public static final String LEAST_KV_CACHE_FILTER = "least-kv-cache-filter";
    public static final String DECISION_TREE_FILTER = "decision-tree-filter";
    public static final String KV_CACHE_SCORER = "kv-cache-scorer";
    // Infergate
    public static final String IN_FLIGHT_REQUESTS_SCORER = "in-flight-requests-scorer";
    public static final String IN_FLIGHT_TOKENS_SCORER = "in-flight-tokens-scorer";
    public static final String SESSION_AFFINITY_SCORER = "session-affinity-scorer";
    public static final String PREFILL_QUEUE_SCORER = "prefill-queue-scorer";
    public static final String LEAST_RECENTLY_PICKED_SCORER = "least-recently-picked-scorer";
    public static final String STICKY_LORA_AFFINITY_FILTER = "sticky-lora-affinity-filter";

    private static final Map<String, PluginType> BY_NAME = new LinkedHashMap<>();

    static {
        gie(QUEUE_SCORER, Role.SCORER);
        gie(KV_CACHE_UTILIZATION_SCORER, Role.SCORER);
        gie(RUNNING_REQUESTS_SIZE_SCORER, Role.SCORER);
        gie(LORA_AFFINITY_SCORER, Role.SCORER);
        gie(PREFIX_CACHE_SCORER, Role.SCORER);
        gie(TOKEN_LOAD_SCORER, Role.SCORER);
        gie(LATENCY_SCORER, Role.SCORER);
        gie(PREDICTED_LATENCY_SCORER, Role.SCORER, Role.ADMITTER, Role.REQUEST_CONTROL);
        gie(MAX_SCORE_PICKER, Role.PICKER);
        gie(RANDOM_PICKER, Role.PICKER);
        gie(WEIGHTED_RANDOM_PICKER, Role.PICKER);
        gie(SINGLE_PROFILE_HANDLER, Role.PROFILE_HANDLER);
        gie(PREFIX_CACHE_AFFINITY_FILTER, Role.FILTER);
        gie(SLO_HEADROOM_TIER_FILTER, Role.FILTER);
        gie(HEADER_BASED_TESTING_FILTER, Role.FILTER);
        gie(APPROX_PREFIX_CACHE_PRODUCER, Role.DATA_PRODUCER, Role.REQUEST_CONTROL);
        gie(INFLIGHT_LOAD_PRODUCER, Role.DATA_PRODUCER, Role.REQUEST_CONTROL, Role.EXTRACTOR);
        gie(PREDICTED_LATENCY_PRODUCER, Role.DATA_PRODUCER, Role.REQUEST_CONTROL);
        gie(LATENCY_SLO_ADMITTER, Role.ADMITTER);
        gie(REQUEST_ATTRIBUTE_REPORTER, Role.REQUEST_CONTROL);
        gie(DESTINATION_ENDPOINT_SERVED_VERIFIER, Role.REQUEST_CONTROL);
        gie(GLOBAL_STRICT_FAIRNESS_POLICY, Role.FAIRNESS_POLICY);
        gie(ROUND_ROBIN_FAIRNESS_POLICY, Role.FAIRNESS_POLICY);
        gie(FCFS_ORDERING_POLICY, Role.ORDERING_POLICY);
        gie(EDF_ORDERING_POLICY, Role.ORDERING_POLICY);
        gie(SLO_DEADLINE_ORDERING_POLICY, Role.ORDERING_POLICY);
        gie(STATIC_USAGE_LIMIT_POLICY, Role.USAGE_LIMIT_POLICY);
        // both detectors are also filters (they drop endpoints over their thresholds)
        gie(UTILIZATION_DETECTOR, Role.SATURATION_DETECTOR, Role.FILTER);
        gie(CONCURRENCY_DETECTOR, Role.SATURATION_DETECTOR, Role.FILTER);
        gie(OPENAI_PARSER, Role.PARSER);
        gie(VLLMGRPC_PARSER, Role.PARSER);
        gie(PASSTHROUGH_PARSER, Role.PARSER);
        gie(METRICS_DATA_SOURCE, Role.DATA_SOURCE);
        gie(CORE_METRICS_EXTRACTOR, Role.EXTRACTOR);
        gie(K8S_NOTIFICATION_SOURCE, Role.DATA_SOURCE);
        gie(ENDPOINT_NOTIFICATION_SOURCE, Role.DATA_SOURCE);

        legacy(LOW_QUEUE_FILTER, Role.FILTER);
        legacy(LORA_AFFINITY_FILTER, Role.FILTER);
        legacy(LEAST_QUEUE_FILTER, Role.FILTER);
        legacy(LEAST_KV_CACHE_FILTER, Role.FILTER);
        legacy(DECISION_TREE_FILTER, Role.FILTER);
        add(new PluginType(
                KV_CACHE_SCORER, EnumSet.of(Role.SCORER), Source.GIE_LEGACY, Optional.of(KV_CACHE_UTILIZATION_SCORER)));

        ours(IN_FLIGHT_REQUESTS_SCORER, Role.SCORER);
        ours(IN_FLIGHT_TOKENS_SCORER, Role.SCORER);
        ours(SESSION_AFFINITY_SCORER, Role.SCORER);
        ours(PREFILL_QUEUE_SCORER, Role.SCORER);
        ours(LEAST_RECENTLY_PICKED_SCORER, Role.SCORER);
        ours(STICKY_LORA_AFFINITY_FILTER, Role.FILTER);
    }

    /** Every accepted type, GIE v1.5.0 first, then GIE v0.5.1-only, then Infergate's (unmodifiable). */
    public static final List<PluginType> ALL = List.copyOf(BY_NAME.values());

    /** The accepted names, in {@link #ALL} order. */
    public static final List<String> NAMES = ALL.stream().map(PluginType::name).toList();

    private PluginTypes() {}

    private static void gie(String name, Role first, Role... more) {
        add(new PluginType(name, EnumSet.of(first, more), Source.GIE, Optional.empty()));
    }

    private static void legacy(String name, Role role) {
        add(new PluginType(name, EnumSet.of(role), Source.GIE_LEGACY, Optional.empty()));
    }

    private static void ours(String name, Role role) {
        add(new PluginType(name, EnumSet.of(role), Source.INFERGATE, Optional.empty()));
    }

    private static void add(PluginType t) {
        if (BY_NAME.putIfAbsent(t.name(), t) != null) {
            throw new IllegalStateException("plugin type registered twice: " + t.name());
        }
    }

    /** The type of this exact name (case-sensitive, as GIE's registry is). */
    public static Optional<PluginType> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static boolean isKnown(String name) {
        return BY_NAME.containsKey(name);
    }

    /** The names of the types that have {@code role}, in {@link #ALL} order. */
    public static List<String> namesWith(Role role) {
        List<String> out = new ArrayList<>();
        for (PluginType t : ALL) {
            if (t.is(role)) {
                out.add(t.name());
            }
        }
        return List.copyOf(out);
    }
}
