package io.infergate.scheduler.scheduling.config;

import io.infergate.api.Severity;
import io.infergate.api.load.Params;
import io.infergate.api.model.ConfigTree;
import io.infergate.api.model.PluginType;
import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.admission.FairnessPolicy;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.plugins.DecisionTreeFilter;
import io.infergate.scheduler.scheduling.plugins.InFlightRequestsScorer;
import io.infergate.scheduler.scheduling.plugins.StickyLoraFilter;
import io.infergate.scheduler.scheduling.plugins.InFlightTokensScorer;
import io.infergate.scheduler.scheduling.plugins.KvCacheUtilizationScorer;
import io.infergate.scheduler.scheduling.plugins.LeastBandFilter;
import io.infergate.scheduler.scheduling.plugins.LoraAffinityFilter;
import io.infergate.scheduler.scheduling.plugins.LoraAffinityScorer;
import io.infergate.scheduler.scheduling.plugins.LowQueueFilter;
import io.infergate.scheduler.scheduling.plugins.MaxScorePicker;
import io.infergate.scheduler.scheduling.plugins.PrefixCacheScorer;
import io.infergate.scheduler.scheduling.plugins.QueueScorer;
import io.infergate.scheduler.scheduling.plugins.RandomPicker;
import io.infergate.scheduler.scheduling.plugins.RunningRequestsSizeScorer;
import io.infergate.scheduler.scheduling.plugins.SelectingFilter;
import io.infergate.scheduler.scheduling.plugins.SessionAffinityScorer;
import io.infergate.scheduler.scheduling.plugins.WeightedRandomPicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Plugin type name (GIE's spelling, byte for byte) to the factory that builds an instance from its name and
 * {@code parameters}, like GIE's {@code fwkplugin.Registry}. {@link #STANDARD} holds every type Infergate
 * implements:
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
 * integer, a duration is a Go duration string) through {@link Params}, so every problem names file, line and field.
 * A parameter the plugin does not know is a warning (GIE ignores it), except for {@code core-metrics-extractor}, whose
 * parameters are read strictly. A value GIE would refuse is an error, and so
 * is one that GIE accepts but that silently disables the plugin (a block size of 0, say).
 *
 * <p>Immutable and thread-safe; factories run on the thread that builds a setup, never block, and report bad input
 * through the {@link Params} they get rather than throwing.
 */
public final class PluginRegistry {

    /**
     * Builds one plugin instance. Reports every problem with its parameters through {@code params} and returns
     * {@link PluginInstance.Invalid} when no instance can be made; leaves unknown parameters to the caller, which
     * calls {@link Params#finish} afterwards.
     */
    @FunctionalInterface
    public interface Factory {
        PluginInstance create(String name, Params params, Handle handle);
    }

    /**
     * What a factory may ask of the setup being built (GIE's plugin {@code Handle}). Confined to the building
     * thread.
     */
    public interface Handle {

        /** The prefix parameters every prefix scorer of the setup shares (GIE has one producer). */
        PrefixSettings prefixSettings();

        /** The hasher of {@link #prefixSettings()}, one instance per setup. */
        PrefixHasher prefixHasher();

        /** The prefix index of the setup, created on first use. */
        PrefixIndex prefixIndex();

        /**
         * The filter of the plugin named {@code ref}, built on demand. Empty, with an error reported at {@code at}
         * through {@code reporter}, when no plugin has that name, when it is not a filter, or when following it
         * would make a decision tree contain itself; empty without a new error when that plugin is invalid
         * (its own problems say why).
         */
        Optional<SelectingFilter> filter(String ref, Params reporter, ConfigTree at);
    }

    /**
     * The roles whose supported types are worth naming as alternatives, most telling first (a detector is also a
     * filter, but the alternative to a detector is a detector); producers and hooks have no meaningful stand-in.
     */
    private static final List<PluginType.Role> ALTERNATIVES_BY = List.of(PluginType.Role.SATURATION_DETECTOR,
            PluginType.Role.SCORER, PluginType.Role.PICKER, PluginType.Role.FILTER, PluginType.Role.ORDERING_POLICY,
            PluginType.Role.FAIRNESS_POLICY, PluginType.Role.USAGE_LIMIT_POLICY, PluginType.Role.PARSER,
            PluginType.Role.DATA_SOURCE, PluginType.Role.EXTRACTOR, PluginType.Role.PROFILE_HANDLER);

    /** Every type Infergate implements. */
    public static final PluginRegistry STANDARD = standard();

    private final Map<String, Factory> factories;

    private PluginRegistry(Map<String, Factory> factories) {
        this.factories = Map.copyOf(factories);
    }

    /** The factory of {@code type}, when Infergate implements it. */
    public Optional<Factory> factory(String type) {
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
        factories.keySet().stream().filter(t -> !PluginTypes.isKnown(t)).sorted().forEach(out::add);
        return List.copyOf(out);
    }

    /** The types of {@link PluginTypes} Infergate does not implement (yet), in that list's order. */
    public List<String> unsupportedTypes() {
        return PluginTypes.NAMES.stream().filter(t -> !factories.containsKey(t)).toList();
    }

    /** This registry with {@code type} built by {@code factory} (replacing its factory, if any): for tests, the lab. */
    public PluginRegistry with(String type, Factory factory) {
        Map<String, Factory> m = new LinkedHashMap<>(factories);
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
                List<String> same = PluginTypes.namesWith(role).stream().filter(factories::containsKey).toList();
                if (!same.isEmpty()) {
                    sb.append(" (supported: ").append(String.join(", ", same)).append(')');
                    break;
                }
            }
        }
        return sb.toString();
    }

    // --- the standard factories

    private static PluginRegistry standard() {
        Map<String, Factory> m = new LinkedHashMap<>();
        scorer(m, QueueScorer.TYPE, QueueScorer::new);
        scorer(m, KvCacheUtilizationScorer.TYPE, n -> new KvCacheUtilizationScorer(KvCacheUtilizationScorer.TYPE, n));
        scorer(m, KvCacheUtilizationScorer.LEGACY_TYPE,
                n -> new KvCacheUtilizationScorer(KvCacheUtilizationScorer.LEGACY_TYPE, n));
        scorer(m, RunningRequestsSizeScorer.TYPE, RunningRequestsSizeScorer::new);
        scorer(m, LoraAffinityScorer.TYPE, LoraAffinityScorer::new);
        scorer(m, InFlightRequestsScorer.TYPE, InFlightRequestsScorer::new);
        scorer(m, InFlightTokensScorer.TYPE, InFlightTokensScorer::new);
        scorer(m, io.infergate.scheduler.scheduling.plugins.PrefillQueueScorer.TYPE,
                io.infergate.scheduler.scheduling.plugins.PrefillQueueScorer::new);
        scorer(m, io.infergate.scheduler.scheduling.plugins.LeastRecentlyPickedScorer.TYPE,
                io.infergate.scheduler.scheduling.plugins.LeastRecentlyPickedScorer::new);
        m.put(PrefixCacheScorer.TYPE, (name, p, h) -> {
            PrefixSettings.read(p); // checked here; the setup decides which plugin's settings hash (GIE: one producer)
            return new PluginInstance.Scorer(name, PrefixCacheScorer.TYPE, new PrefixCacheScorer(name,
                    h.prefixIndex(), h.prefixHasher(), h.prefixSettings().autoTune()));
        });
        m.put(TokenLoadScorer.TYPE, (name, p, h) -> {
            long threshold = TokenLoadScorer.DEFAULT_QUEUE_THRESHOLD_TOKENS;
            OptionalLong v = p.longInteger("queueThresholdTokens");
            if (v.isPresent() && v.getAsLong() <= 0) {
                p.warning("queueThresholdTokens", "found " + v.getAsLong() + " (expected: > 0); GIE falls back to"
                        + " the default " + threshold + ", as here");
            } else if (v.isPresent()) {
                threshold = v.getAsLong();
            }
            return new PluginInstance.Scorer(name, TokenLoadScorer.TYPE, new TokenLoadScorer(name, threshold));
        });
        m.put(SessionAffinityScorer.TYPE, (name, p, h) -> {
            int max = p.integer("maxSessions", 1, Integer.MAX_VALUE).orElse(SessionAffinityScorer.DEFAULT_MAX_SESSIONS);
            return new PluginInstance.Scorer(name, SessionAffinityScorer.TYPE, new SessionAffinityScorer(name, max));
        });

        m.put(MaxScorePicker.TYPE, (name, p, h) -> picker(name, MaxScorePicker.TYPE, p, new MaxScorePicker(name)));
        m.put(RandomPicker.TYPE, (name, p, h) -> picker(name, RandomPicker.TYPE, p, new RandomPicker(name)));
        m.put(WeightedRandomPicker.TYPE,
                (name, p, h) -> picker(name, WeightedRandomPicker.TYPE, p, new WeightedRandomPicker(name)));

        m.put(LowQueueFilter.TYPE, (name, p, h) -> new PluginInstance.Filter(name, LowQueueFilter.TYPE,
                new LowQueueFilter(name, p.integer("threshold", 0, Integer.MAX_VALUE)
                        .orElse(LowQueueFilter.DEFAULT_THRESHOLD))));
        m.put(LoraAffinityFilter.TYPE, (name, p, h) -> new PluginInstance.Filter(name, LoraAffinityFilter.TYPE,
                new LoraAffinityFilter(name, p.number("threshold", 0, 1)
                        .orElse(LoraAffinityFilter.DEFAULT_THRESHOLD))));
        m.put(StickyLoraFilter.TYPE, (name, p, h) -> new PluginInstance.Filter(name, StickyLoraFilter.TYPE,
                new StickyLoraFilter(name, p.integer("memoryMillis", 1, Integer.MAX_VALUE)
                        .orElse((int) (StickyLoraFilter.DEFAULT_MEMORY_NANOS / 1_000_000)) * 1_000_000L)));
        m.put(LeastBandFilter.QUEUE_TYPE, (name, p, h) -> new PluginInstance.Filter(name, LeastBandFilter.QUEUE_TYPE,
                LeastBandFilter.queue(name)));
        m.put(LeastBandFilter.KV_TYPE, (name, p, h) -> new PluginInstance.Filter(name, LeastBandFilter.KV_TYPE,
                LeastBandFilter.kvCache(name)));
        m.put(DecisionTreeFilter.TYPE, PluginRegistry::decisionTree);

        m.put(UtilizationSaturationDetector.TYPE, PluginRegistry::utilizationDetector);
        m.put(PluginTypes.APPROX_PREFIX_CACHE_PRODUCER,
                (name, p, h) -> new PluginInstance.PrefixProducer(name, PrefixSettings.read(p)));
        m.put(PluginTypes.GLOBAL_STRICT_FAIRNESS_POLICY,
                (name, p, h) -> new PluginInstance.Fairness(name, FairnessPolicy.GLOBAL_STRICT));
        m.put(PluginTypes.ROUND_ROBIN_FAIRNESS_POLICY,
                (name, p, h) -> new PluginInstance.Fairness(name, FairnessPolicy.ROUND_ROBIN));
        m.put(PluginTypes.METRICS_DATA_SOURCE, PluginRegistry::metricsDataSource);

        accepted(m, PluginTypes.OPENAI_PARSER, "Infergate parses OpenAI request bodies itself");
        accepted(m, PluginTypes.SINGLE_PROFILE_HANDLER, "Infergate runs the one scheduling profile");
        accepted(m, PluginTypes.FCFS_ORDERING_POLICY, "the flow controller serves each flow first come, first served");
        accepted(m, PluginTypes.INFLIGHT_LOAD_PRODUCER,
                "Infergate counts in-flight requests and tokens per endpoint itself");
        m.put(PluginTypes.STATIC_USAGE_LIMIT_POLICY, (name, p, h) -> {
            OptionalDouble t = p.number("threshold");
            if (t.isPresent() && t.getAsDouble() != 1.0) {
                p.error("threshold", "a usage limit of " + t.getAsDouble() + " is not supported by Infergate yet"
                        + " (expected: 1.0, GIE's default: dispatch while the saturation detector finds the pool"
                        + " below saturation)");
            }
            return new PluginInstance.Accepted(name, PluginTypes.STATIC_USAGE_LIMIT_POLICY,
                    "the flow controller dispatches while the pool is below saturation (limit 1.0)");
        });
        m.put(PluginTypes.CORE_METRICS_EXTRACTOR, CoreMetricsExtractorFactory::create);
        return new PluginRegistry(m);
    }

    private static void scorer(Map<String, Factory> m, String type,
                               Function<String, io.infergate.scheduler.scheduling.Scorer> make) {
        m.put(type, (name, p, h) -> new PluginInstance.Scorer(name, type, make.apply(name)));
    }

    private static void accepted(Map<String, Factory> m, String type, String note) {
        m.put(type, (name, p, h) -> new PluginInstance.Accepted(name, type, note));
    }

    private static PluginInstance picker(String name, String type, Params p,
                                         io.infergate.scheduler.scheduling.Picker picker) {
        int max = 1;
        OptionalInt v = p.integer("maxNumOfEndpoints");
        if (v.isPresent() && v.getAsInt() < 1) {
            p.warning("maxNumOfEndpoints", "found " + v.getAsInt() + " (expected: >= 1); GIE falls back to 1"
                    + " endpoint, as here");
        } else if (v.isPresent()) {
            max = v.getAsInt();
        }
        return new PluginInstance.Picker(name, type, picker, max);
    }

    private static PluginInstance utilizationDetector(String name, Params p, Handle h) {
        UtilizationSaturationDetector.Config d = UtilizationSaturationDetector.Config.DEFAULT;
        int queue = p.integer("queueDepthThreshold", 1, Integer.MAX_VALUE).orElse(d.queueDepthThreshold());
        double kv = d.kvCacheUtilThreshold();
        OptionalDouble kvValue = p.number("kvCacheUtilThreshold");
        if (kvValue.isPresent() && !(kvValue.getAsDouble() > 0 && kvValue.getAsDouble() <= 1)) {
            p.error("kvCacheUtilThreshold", "found " + kvValue.getAsDouble() + " (expected: a fraction in (0, 1])");
        } else if (kvValue.isPresent()) {
            kv = kvValue.getAsDouble();
        }
        Duration staleness = d.metricsStalenessThreshold();
        Optional<Duration> st = p.duration("metricsStalenessThreshold");
        if (st.isPresent() && (st.get().isNegative() || st.get().isZero())) {
            p.error("metricsStalenessThreshold", "found " + st.get() + " (expected: a duration > 0)");
        } else if (st.isPresent()) {
            staleness = st.get();
        }
        double headroom = d.headroom();
        OptionalDouble hr = p.number("headroom");
        if (hr.isPresent() && hr.getAsDouble() < 0) {
            p.error("headroom", "found " + hr.getAsDouble() + " (expected: a fraction >= 0, e.g. 0.2 for 20%)");
        } else if (hr.isPresent()) {
            headroom = hr.getAsDouble();
            if (headroom > 1.0) {
                p.warning("headroom", "unusually high: " + headroom + " lets endpoints take " + (1 + headroom)
                        + " times the thresholds (expected: a fraction, e.g. 0.2 for 20%, not a percentage)");
            }
        }
        UtilizationSaturationDetector.Config config = new UtilizationSaturationDetector.Config(queue, kv, staleness,
                headroom);
        return new PluginInstance.SaturationDetector(name, config, new UtilizationFilter(name, config));
    }

    private static PluginInstance metricsDataSource(String name, Params p, Handle h) {
        SchedulerSetup.MetricsSource d = SchedulerSetup.MetricsSource.DEFAULT;
        String scheme = p.string("scheme").orElse(d.scheme());
        if (!scheme.equals("http") && !scheme.equals("https")) {
            p.error("scheme", "found \"" + scheme + "\" (expected: http or https)");
            scheme = d.scheme();
        }
        String path = p.string("path").orElse(d.path());
        if (!path.startsWith("/")) {
            p.error("path", "found \"" + path + "\" (expected: a URL path starting with /)");
            path = d.path();
        }
        boolean insecure = p.bool("insecureSkipVerify").orElse(d.insecureSkipVerify());
        return new PluginInstance.DataSource(name, new SchedulerSetup.MetricsSource(scheme, path, insecure));
    }

    // --- decision-tree-filter (GIE v0.5.1 filter/decision_tree_filter.go)

    private static PluginInstance decisionTree(String name, Params p, Handle h) {
        DecisionTreeFilter.Node root = node(p, name, h, false);
        return root == null ? new PluginInstance.Invalid(name, DecisionTreeFilter.TYPE)
                : new PluginInstance.Filter(name, DecisionTreeFilter.TYPE, new DecisionTreeFilter(name, root));
    }

    /**
     * One tree level ({@code current} and its branches), or null when it cannot be built (reported). A nested level
     * reports its own unknown keys; the plugin's top level leaves that to the caller.
     */
    private static DecisionTreeFilter.Node node(Params p, String name, Handle h, boolean nested) {
        boolean ok = true;
        SelectingFilter current = null;
        if (!p.has("current")) {
            p.error("current", "missing (expected: the filter to run first, {pluginRef: <filter>} or"
                    + " {decisionTree: {...}})");
            ok = false;
        } else {
            Optional<Params> e = p.object("current");
            Entry entry = e.isEmpty() ? null : entry(e.get(), name + ".current", h);
            if (entry == null) {
                ok = false;
            } else {
                current = entry.filter != null ? entry.filter : new DecisionTreeFilter(name + ".current", entry.tree);
            }
        }
        DecisionTreeFilter.Node[] next = new DecisionTreeFilter.Node[3];
        String[] keys = {"nextOnSuccess", "nextOnFailure", "nextOnSuccessOrFailure"};
        for (int k = 0; k < keys.length; k++) {
            if (!p.has(keys[k])) {
                continue;
            }
            Optional<Params> e = p.object(keys[k]);
            Entry entry = e.isEmpty() ? null : entry(e.get(), name + "." + keys[k], h);
            if (entry == null) {
                ok = false;
            } else {
                // a plain filter as the next step is a leaf; a nested tree continues at its root
                next[k] = entry.tree != null ? entry.tree
                        : new DecisionTreeFilter.Node(entry.filter, null, null, null);
            }
        }
        if (nested) {
            p.finish(Severity.WARNING);
        }
        return ok ? new DecisionTreeFilter.Node(current, next[0], next[1], next[2]) : null;
    }

    /** An entry is either a filter ({@code pluginRef}) or a nested tree ({@code decisionTree}). */
    private record Entry(SelectingFilter filter, DecisionTreeFilter.Node tree) {
    }

    private static Entry entry(Params e, String name, Handle h) {
        boolean ref = e.has("pluginRef");
        boolean tree = e.has("decisionTree");
        Entry out = null;
        if (ref && tree) {
            e.error("decisionTree", "both pluginRef and decisionTree are given (expected: exactly one)");
        } else if (!ref && !tree) {
            e.error(e.tree(), "neither pluginRef nor decisionTree is given (expected: {pluginRef: <filter>} or"
                    + " {decisionTree: {current: ...}})");
        } else if (ref) {
            Optional<String> r = e.string("pluginRef");
            if (r.isPresent()) {
                out = h.filter(r.get(), e, e.tree().get("pluginRef").orElseThrow()).map(f -> new Entry(f, null))
                        .orElse(null);
            }
        } else {
            Optional<Params> t = e.object("decisionTree");
            DecisionTreeFilter.Node node = t.isEmpty() ? null : node(t.get(), name, h, true);
            out = node == null ? null : new Entry(null, node);
        }
        e.finish(Severity.WARNING);
        return out;
    }
}
