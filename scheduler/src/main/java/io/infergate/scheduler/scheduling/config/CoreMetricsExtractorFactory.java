package io.infergate.scheduler.scheduling.config;

import io.infergate.api.Severity;
import io.infergate.api.load.Params;
import io.infergate.api.model.ConfigTree;
import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.metrics.EngineMapping;
import io.infergate.scheduler.metrics.MetricSpec;
import io.infergate.scheduler.metrics.MetricsExtractor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * GIE's {@code core-metrics-extractor} (v1.5.0 {@code framework/plugins/datalayer/extractor/metrics/factories.go}):
 * its parameters become the {@link MetricsExtractor} a pool's endpoints are scraped with.
 * <pre>
 * engineLabelKey: inference.networking.k8s.io/engine-type   # the Pod label naming the engine; "" = this default
 * defaultEngine: vllm                                       # engine of unlabelled Pods; "" = vllm
 * engineConfigs:                                            # added to the built-ins; a built-in's name replaces it
 * - name: myengine
 *   queuedRequestsSpec: my_queue_depth                      # every spec: a selector name{label=value}; "" = off
 *   runningRequestsSpec: my_running
 *   kvUsageSpec: my_kv_usage
 *   loraSpec: ...
 *   cacheInfoSpec: ...                                      # block geometry from labels of an info series ...
 *   cacheBlockSizeLabelName: block_size                     # ... named so ("" = block_size)
 *   cacheNumBlocksLabelName: num_gpu_blocks                 # ... ("" = num_gpu_blocks)
 *   cacheBlockSizeSpec: ...                                 # or from gauges
 *   cacheNumBlocksSpec: ...
 * </pre>
 * GIE refuses an empty or reserved ({@code default}) engine name, an engine given twice, a spec that is no selector,
 * and a {@code defaultEngine} that names no engine: errors here too, each at its field. Stricter than GIE's Go
 * decoding, an unknown field anywhere in these parameters is an error rather than silently ignored (a misspelt
 * {@code kvUsageSpec} would otherwise leave KV usage unread without a word), and so is a label name that no
 * Prometheus label can have. An engine of the built-ins ({@link EngineMapping#builtins()}) that is configured again
 * is replaced as a whole, as in GIE, including Infergate's vLLM KV-usage fallback.
 *
 * <p>Stateless; runs on the thread building a setup and reports through the {@link Params} it gets.
 */
final class CoreMetricsExtractorFactory {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** A Kubernetes label key: an optional DNS-subdomain prefix and a slash, then a name of up to 63 characters. */
    private static final Pattern LABEL_KEY = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    private static final List<String> SPECS = List.of(
            "queuedRequestsSpec",
            "runningRequestsSpec",
            "kvUsageSpec",
            "loraSpec",
            "cacheInfoSpec",
            "cacheBlockSizeSpec",
            "cacheNumBlocksSpec");
    private static final List<String> LABELS = List.of("cacheBlockSizeLabelName", "cacheNumBlocksLabelName");

    private CoreMetricsExtractorFactory() {}

    /** Builds the {@code core-metrics-extractor} plugin (see above). */
    static final PluginFactory FACTORY = CoreMetricsExtractorFactory::create;

    static PluginInstance create(String name, Params p, PluginFactory.Handle h) {
        MetricsExtractor.Builder builder = MetricsExtractor.builder();
        String labelKey = p.string("engineLabelKey").orElse("");
        if (!labelKey.isEmpty() && !validLabelKey(labelKey)) {
            p.error(
                    "engineLabelKey",
                    "\"" + labelKey + "\" is not a Kubernetes label key (expected: an optional DNS"
                            + " prefix and /, then a name of at most 63 letters, digits, -, _ or ., e.g. "
                            + EngineMapping.ENGINE_TYPE_LABEL + ")");
        } else {
            builder.engineLabelKey(labelKey);
        }
        Map<String, String> engines = new LinkedHashMap<>(); // name -> path of its first entry
        Set<String> failed = new LinkedHashSet<>();
        List<ConfigTree> items = p.list("engineConfigs");
        for (ConfigTree item : items) {
            Optional<Params> e = p.object(item);
            if (e.isPresent()) {
                engine(e.get(), engines, failed).ifPresent(builder::mapping);
                e.get().finish(Severity.ERROR);
            }
        }
        Optional<String> defaultEngine = p.string("defaultEngine").filter(d -> !d.isEmpty());
        if (defaultEngine.isPresent()) {
            Set<String> known = new LinkedHashSet<>(engines.keySet());
            EngineMapping.builtins().forEach(m -> known.add(m.engine()));
            if (!known.contains(defaultEngine.get())) {
                p.error(
                        "defaultEngine",
                        "\"" + defaultEngine.get() + "\" names no engine (expected one of: " + String.join(", ", known)
                                + ")");
            } else if (!failed.contains(defaultEngine.get())) { // else its entry's errors say why
                builder.defaultEngine(defaultEngine.get());
            }
        }
        p.finish(Severity.ERROR);
        if (p.hasErrors()) {
            return new PluginInstance.Invalid(name, PluginTypes.CORE_METRICS_EXTRACTOR);
        }
        return new PluginInstance.Extractor(name, builder.build());
    }

    /** One {@code engineConfigs[i]}: its mapping, or empty when it has errors (reported). */
    private static Optional<EngineMapping> engine(Params e, Map<String, String> engines, Set<String> failed) {
        boolean ok = true;
        Optional<String> named = e.string("name");
        String engine = named.orElse("");
        if (named.isEmpty()) {
            if (!e.has("name")) {
                e.error("name", "missing (expected: the engine type, matched against the Pod's engine label)");
            }
            ok = false; // else a wrong type, reported
        } else if (engine.isEmpty()) {
            e.error("name", "empty (expected: the engine type, matched against the Pod's engine label)");
            ok = false;
        } else if (engine.equals(EngineMapping.RESERVED_DEFAULT)) {
            e.error("name", "\"" + engine + "\" is reserved (expected: any other engine name)");
            ok = false;
        } else if (engines.containsKey(engine)) {
            e.error(
                    "name",
                    "engine \"" + engine + "\" is configured twice (first: " + engines.get(engine)
                            + "; an engine has one mapping)");
            ok = false;
        }
        EngineMapping.Builder b = EngineMapping.builder(ok ? engine : "invalid");
        Map<String, BiConsumer<EngineMapping.Builder, String>> setters = setters();
        List<String> unread = new ArrayList<>();
        for (String field : SPECS) {
            Optional<String> spec = e.string(field);
            if (spec.isEmpty() || spec.get().isBlank()) {
                if (field.equals("queuedRequestsSpec") || field.equals("kvUsageSpec")) {
                    unread.add(field);
                }
                continue; // absent or "": the value is not read, as in GIE
            }
            try {
                MetricSpec.parse(spec.get());
                setters.get(field).accept(b, spec.get());
            } catch (IllegalArgumentException x) { // InvalidMetricSpecException included
                e.error(
                        field,
                        "\"" + spec.get() + "\" is not a metric selector: " + x.getMessage()
                                + " (expected: name or name{label=value,...}, or \"\" to leave the value unread)");
                ok = false;
            }
        }
        for (String field : LABELS) {
            Optional<String> label = e.string(field);
            if (label.isEmpty() || label.get().isEmpty()) {
                continue; // "" keeps the default label name, as in GIE
            }
            if (!LABEL_NAME.matcher(label.get()).matches()) {
                e.error(
                        field,
                        "\"" + label.get() + "\" is not a Prometheus label name (expected: " + LABEL_NAME.pattern()
                                + ")");
                ok = false;
            } else {
                setters.get(field).accept(b, label.get());
            }
        }
        if (ok && !unread.isEmpty()) {
            e.warning(
                    e.tree(),
                    "engine \"" + engine + "\" reads no " + String.join(" and no ", unread) + ": "
                            + (unread.size() == 1
                                    ? "shedding and flow control judge its endpoints by the other signal alone"
                                    : "its endpoints count as saturated for shedding and flow control, which need"
                                            + " the waiting queue or the KV-cache usage"));
        }
        if (!engine.isEmpty() && !engine.equals(EngineMapping.RESERVED_DEFAULT) && !engines.containsKey(engine)) {
            engines.put(engine, e.tree().path());
            if (!ok) {
                failed.add(engine);
            }
        }
        return ok ? Optional.of(b.build()) : Optional.empty();
    }

    private static Map<String, BiConsumer<EngineMapping.Builder, String>> setters() {
        Map<String, BiConsumer<EngineMapping.Builder, String>> m = new LinkedHashMap<>();
        m.put("queuedRequestsSpec", EngineMapping.Builder::queuedRequestsSpec);
        m.put("runningRequestsSpec", EngineMapping.Builder::runningRequestsSpec);
        m.put("kvUsageSpec", EngineMapping.Builder::kvUsageSpec);
        m.put("loraSpec", EngineMapping.Builder::loraSpec);
        m.put("cacheInfoSpec", EngineMapping.Builder::cacheInfoSpec);
        m.put("cacheBlockSizeSpec", EngineMapping.Builder::cacheBlockSizeSpec);
        m.put("cacheNumBlocksSpec", EngineMapping.Builder::cacheNumBlocksSpec);
        m.put("cacheBlockSizeLabelName", EngineMapping.Builder::cacheBlockSizeLabelName);
        m.put("cacheNumBlocksLabelName", EngineMapping.Builder::cacheNumBlocksLabelName);
        return m;
    }

    private static boolean validLabelKey(String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        return LABEL_KEY.matcher(key).matches() && name.length() <= 63 && (slash < 0 || slash <= 253);
    }
}
