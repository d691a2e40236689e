package io.infergate.scheduler.scheduling.config;

import io.infergate.api.model.PluginType;
import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.admission.FairnessPolicy;
import io.infergate.scheduler.scheduling.plugins.DecisionTreeFilter;
import io.infergate.scheduler.scheduling.plugins.InFlightRequestsScorer;
import io.infergate.scheduler.scheduling.plugins.InFlightTokensScorer;
import io.infergate.scheduler.scheduling.plugins.KvCacheUtilizationScorer;
import io.infergate.scheduler.scheduling.plugins.LeastBandFilter;
import io.infergate.scheduler.scheduling.plugins.LeastRecentlyPickedScorer;
import io.infergate.scheduler.scheduling.plugins.LoraAffinityFilter;
import io.infergate.scheduler.scheduling.plugins.LoraAffinityScorer;
import io.infergate.scheduler.scheduling.plugins.LowQueueFilter;
import io.infergate.scheduler.scheduling.plugins.MaxScorePicker;
import io.infergate.scheduler.scheduling.plugins.PrefillQueueScorer;
import io.infergate.scheduler.scheduling.plugins.PrefixCacheScorer;
import io.infergate.scheduler.scheduling.plugins.QueueScorer;
import io.infergate.scheduler.scheduling.plugins.RandomPicker;
import io.infergate.scheduler.scheduling.plugins.RunningRequestsSizeScorer;
import io.infergate.scheduler.scheduling.plugins.SessionAffinityScorer;
import io.infergate.scheduler.scheduling.plugins.StickyLoraFilter;
import io.infergate.scheduler.scheduling.plugins.TokenLoadScorer;
import io.infergate.scheduler.scheduling.plugins.UtilizationFilter;
import io.infergate.scheduler.scheduling.plugins.WeightedRandomPicker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Plugin type name (GIE's spelling, byte for byte) to the factory that builds an instance from its name and
 * {@code parameters}, like GIE's {@code fwkplugin.Registry}. Each factory, with its parameter parsing, sits beside its
 * plugin (the plugin class's {@code FACTORY}); {@link #STANDARD} registers them, one line per type, and holds every
 * type Infergate implements:
 * <ul>
 *   <li>scorers {@code queue-scorer}, {@code kv-cache-utilization-scorer} (and its v0.5 name
 *       {@code kv-cache-scorer}), {@code running-requests-size-scorer}, {@code lora-affinity-scorer},
 *       {@code prefix-cache-scorer} ({@link PrefixSettings}), {@code token-load-scorer}
 *       ({@code queueThresholdTokens}, default 4194304; GIE's formula over Infergate's in-flight tokens, see
 *       {@link TokenLoadScorer}), and ours: {@code in-flight-requests-scorer}, {@code in-flight-tokens-scorer},
 *       {@code prefill-queue-scorer}, {@code least-recently-picked-scorer},
 *       {@code session-affinity-scorer} ({@code maxSessions}, default 100000);</li>
 *   <li>pickers {@code max-score-picker}, {@code random-picker}, {@code weighted-random-picker}
 *       ({@code maxNumOfEndpoints}, default 1; GIE falls back to 1 for a value below 1, with a warning here);</li>
 *   <li>GIE v0.5 filters {@code low-queue-filter} ({@code threshold}, default 128), {@code lora-affinity-filter}
 *       ({@code threshold}, default 0.999), ours {@code sticky-lora-affinity-filter} ({@code memoryMillis}, default
 *       2000), {@code least-queue-filter}, {@code least-kv-cache-filter} and
 *       {@code decision-tree-filter} ({@code current}, {@code nextOnSuccess}, {@code nextOnFailure},
 *       {@code nextOnSuccessOrFailure}, each {@code {pluginRef: <filter>}} or {@code {decisionTree: {...}}});</li>
 *   <li>{@code utilization-detector} ({@code queueDepthThreshold} 5, {@code kvCacheUtilThreshold} 0.8,
 *       {@code metricsStalenessThreshold} 200ms, {@code headroom} 0), also usable as a filter, as in GIE;</li>
 *   <li>{@code approx-prefix-cache-producer} ({@link PrefixSettings}), {@code metrics-data-source}
 *       ({@code scheme}, {@code path}, {@code insecureSkipVerify}), {@code core-metrics-extractor}
 *       ({@code engineLabelKey}, {@code defaultEngine}, {@code engineConfigs}; strict, see
 *       {@link CoreMetricsExtractorFactory}), the fairness policies {@code global-strict-fairness-policy} and
 *       {@code round-robin-fairness-policy};</li>
 *   <li>accepted without effect, because Infergate does the same built in: {@code openai-parser},
 *       {@code single-profile-handler}, {@code fcfs-ordering-policy}, {@code static-usage-limit-policy}
 *       (threshold 1.0 only), {@code inflight-load-producer}.</li>
 * </ul>
 * Every other type of {@link PluginTypes} ({@code latency-scorer}, {@code predicted-latency-scorer}, the SLO
 * filters and admitter, {@code prefix-cache-affinity-filter}, {@code edf-ordering-policy},
 * {@code concurrency-detector}, {@code vllmgrpc-parser}, ...) has no factory: {@link SchedulerSetupFactory} reports
 * "not supported by Infergate yet" at the plugin.
 *
 * <p>Parameters are read as GIE's factories read them (Go {@code encoding/json}: an integer field takes only an
 * integer, a duration is a Go duration string) through {@link io.infergate.api.load.Params}, so every problem names
 * file, line and field.
 * A parameter the plugin does not know is a warning (GIE ignores it), except for {@code core-metrics-extractor}, whose
 * parameters are read strictly. A value GIE would refuse is an error, and so
 * is one that GIE accepts but that silently disables the plugin (a block size of 0, say).
 *
 * <p>Immutable and thread-safe; factories run on the thread that builds a setup, never block, and report bad input
 * through the {@link io.infergate.api.load.Params} they get rather than throwing ({@link PluginFactory}).
 */
public final class PluginRegistry {

    /**
     * The roles whose supported types are worth naming as alternatives, most telling first (a detector is also a
     * filter, but the alternative to a detector is a detector); producers and hooks have no meaningful stand-in.
     */
    private static final List<PluginType.Role> ALTERNATIVES_BY = List.of(
            PluginType.Role.SATURATION_DETECTOR,
            PluginType.Role.SCORER,
            PluginType.Role.PICKER,
            PluginType.Role.FILTER,
            PluginType.Role.ORDERING_POLICY,
            PluginType.Role.FAIRNESS_POLICY,
            PluginType.Role.USAGE_LIMIT_POLICY,
            PluginType.Role.PARSER,
            PluginType.Role.DATA_SOURCE,
            PluginType.Role.EXTRACTOR,
            PluginType.Role.PROFILE_HANDLER);

    /** Every type Infergate implements. */
    public static final PluginRegistry STANDARD = standard();

    private final Map<String, PluginFactory> factories;

    private PluginRegistry(Map<String, PluginFactory> factories) {
        this.factories = Map.copyOf(factories);
    }

    /** The factory of {@code type}, when Infergate implements it. */
    public Optional<PluginFactory> factory(String type) {
        return Optional.ofNullable(factories.get(type));
    }

    public boolean supports(String type) {
        return factories.containsKey(type);
    }

    /** The implemented types, in {@link PluginTypes#ALL} order, then any added with {@link #with}. */
    public List<String> supportedTypes() {
        List<String> out = new ArrayList<>();
        for (String name : PluginTypes.NAMES) {
            if (factories.containsKey(name)) {
                out.add(name);
            }
        }
        factories.keySet().stream()
                .filter(t -> !PluginTypes.isKnown(t))
                .sorted()
                .forEach(out::add);
        return List.copyOf(out);
    }

    /** The types of {@link PluginTypes} Infergate does not implement (yet), in that list's order. */
    public List<String> unsupportedTypes() {
        return PluginTypes.NAMES.stream().filter(t -> !factories.containsKey(t)).toList();
    }

    /** This registry with {@code type} built by {@code factory} (replacing its factory, if any): for tests, the lab. */
    public PluginRegistry with(String type, PluginFactory factory) {
        Map<String, PluginFactory> m = new LinkedHashMap<>(factories);
        m.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(factory, "factory"));
        return new PluginRegistry(m);
    }

    /** "not supported by Infergate yet", with the supported types of the same role. */
    String unsupportedMessage(String type) {
        StringBuilder sb = new StringBuilder("plugin type ").append(type).append(" is not supported by Infergate yet");
        Optional<PluginType> t = PluginTypes.find(type);
        if (t.isPresent()) {
            for (PluginType.Role role : ALTERNATIVES_BY) {
                if (!t.get().is(role)) {
                    continue;
                }
                List<String> same = PluginTypes.namesWith(role).stream()
                        .filter(factories::containsKey)
                        .toList();
                if (!same.isEmpty()) {
                    sb.append(" (supported: ").append(String.join(", ", same)).append(')');
                    break;
                }
            }
        }
        return sb.toString();
    }

    // --- the standard types: one line each, the factory beside its plugin

    private static PluginRegistry standard() {
        Map<String, PluginFactory> m = new LinkedHashMap<>();
        m.put(QueueScorer.TYPE, QueueScorer.FACTORY);
        m.put(KvCacheUtilizationScorer.TYPE, KvCacheUtilizationScorer.FACTORY);
        m.put(KvCacheUtilizationScorer.LEGACY_TYPE, KvCacheUtilizationScorer.LEGACY_FACTORY);
        m.put(RunningRequestsSizeScorer.TYPE, RunningRequestsSizeScorer.FACTORY);
        m.put(LoraAffinityScorer.TYPE, LoraAffinityScorer.FACTORY);
        m.put(InFlightRequestsScorer.TYPE, InFlightRequestsScorer.FACTORY);
        m.put(InFlightTokensScorer.TYPE, InFlightTokensScorer.FACTORY);
        m.put(PrefillQueueScorer.TYPE, PrefillQueueScorer.FACTORY);
        m.put(LeastRecentlyPickedScorer.TYPE, LeastRecentlyPickedScorer.FACTORY);
        m.put(PrefixCacheScorer.TYPE, PrefixCacheScorer.FACTORY);
        m.put(TokenLoadScorer.TYPE, TokenLoadScorer.FACTORY);
        m.put(SessionAffinityScorer.TYPE, SessionAffinityScorer.FACTORY);

        m.put(MaxScorePicker.TYPE, MaxScorePicker.FACTORY);
        m.put(RandomPicker.TYPE, RandomPicker.FACTORY);
        m.put(WeightedRandomPicker.TYPE, WeightedRandomPicker.FACTORY);

        m.put(LowQueueFilter.TYPE, LowQueueFilter.FACTORY);
        m.put(LoraAffinityFilter.TYPE, LoraAffinityFilter.FACTORY);
        m.put(StickyLoraFilter.TYPE, StickyLoraFilter.FACTORY);
        m.put(LeastBandFilter.QUEUE_TYPE, LeastBandFilter.QUEUE_FACTORY);
        m.put(LeastBandFilter.KV_TYPE, LeastBandFilter.KV_FACTORY);
        m.put(DecisionTreeFilter.TYPE, DecisionTreeFilter.FACTORY);

        m.put(UtilizationFilter.TYPE, UtilizationFilter.FACTORY);
        m.put(PluginTypes.APPROX_PREFIX_CACHE_PRODUCER, PrefixSettings.PRODUCER_FACTORY);
        m.put(PluginTypes.GLOBAL_STRICT_FAIRNESS_POLICY, PluginFactory.fairness(FairnessPolicy.GLOBAL_STRICT));
        m.put(PluginTypes.ROUND_ROBIN_FAIRNESS_POLICY, PluginFactory.fairness(FairnessPolicy.ROUND_ROBIN));
        m.put(PluginTypes.METRICS_DATA_SOURCE, SchedulerSetup.MetricsSource.FACTORY);
        m.put(PluginTypes.CORE_METRICS_EXTRACTOR, CoreMetricsExtractorFactory.FACTORY);

        m.put(
                PluginTypes.OPENAI_PARSER,
                PluginFactory.accepted(PluginTypes.OPENAI_PARSER, "Infergate parses OpenAI request bodies itself"));
        m.put(
                PluginTypes.SINGLE_PROFILE_HANDLER,
                PluginFactory.accepted(
                        PluginTypes.SINGLE_PROFILE_HANDLER, "Infergate runs the one scheduling profile"));
        m.put(
                PluginTypes.FCFS_ORDERING_POLICY,
                PluginFactory.accepted(
                        PluginTypes.FCFS_ORDERING_POLICY,
                        "the flow controller serves each flow first come, first served"));
        m.put(
                PluginTypes.INFLIGHT_LOAD_PRODUCER,
                PluginFactory.accepted(
                        PluginTypes.INFLIGHT_LOAD_PRODUCER,
                        "Infergate counts in-flight requests and tokens per endpoint itself"));
        m.put(StaticUsageLimitPolicy.TYPE, StaticUsageLimitPolicy.FACTORY);
        return new PluginRegistry(m);
    }
}
