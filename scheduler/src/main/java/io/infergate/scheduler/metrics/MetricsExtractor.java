package io.infergate.scheduler.metrics;

import io.infergate.scheduler.metrics.MetricsProblem.Kind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a model server's {@code /metrics} body into {@link ModelServerMetrics}, choosing the
 * {@link EngineMapping} per endpoint the way GIE's {@code core-metrics-extractor} does.
 *
 * <p>Engine choice: the endpoint label {@link #engineLabelKey()} (default
 * {@value EngineMapping#ENGINE_TYPE_LABEL}) names the mapping. No label, an empty value or the reserved value
 * {@code default} selects the default engine ({@code vllm} unless configured). A value that names no mapping
 * also selects the default engine, and, unlike GIE, which falls back silently, adds an
 * {@link Kind#UNKNOWN_ENGINE} problem to the result, so a typo in a pod label is visible.
 *
 * <p>Mappings: the built-ins ({@link EngineMapping#builtins()}) plus any given to the {@link Builder}; a
 * mapping with a built-in's name replaces it, as user {@code engineConfigs} do in GIE.
 *
 * <p>Extraction never throws on a bad body: missing metrics, unreadable values and unparseable lines become
 * {@link MetricsProblem}s, and every value that was found is still returned (GIE issue #495). Each call parses
 * the body once and allocates a few small objects besides the result; strings are built only for the LoRA and
 * cache-info labels of selected series.
 *
 * <p>Threading: immutable and thread-safe; call from any number of scraping threads at once. Never blocks.
 */
public final class MetricsExtractor {

    private static final MetricsExtractor BUILTINS = new Builder().build();

    private final String engineLabelKey;
    private final String defaultEngine;
    private final Map<String, CompiledMapping> mappings;

    private MetricsExtractor(Builder b) {
        this.engineLabelKey = b.engineLabelKey;
        this.defaultEngine = b.defaultEngine;
        Map<String, CompiledMapping> m = new LinkedHashMap<>();
        for (EngineMapping mapping : b.mappings) {
            m.put(mapping.engine(), new CompiledMapping(mapping));
        }
        for (EngineMapping builtin : EngineMapping.builtins()) {
            m.putIfAbsent(builtin.engine(), new CompiledMapping(builtin));
        }
        if (!m.containsKey(defaultEngine)) {
            throw new IllegalArgumentException(
                    "defaultEngine: '" + defaultEngine + "' (expected one of: " + String.join(", ", m.keySet()) + ")");
        }
        this.mappings = Map.copyOf(m);
    }

    /**
     * The built-in mappings, default engine {@code vllm}, engine label {@value EngineMapping#ENGINE_TYPE_LABEL}: one
     * shared instance (an extractor is immutable), so pools without their own configuration share its parsers.
     */
    public static MetricsExtractor withBuiltins() {
        return BUILTINS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String engineLabelKey() {
        return engineLabelKey;
    }

    public String defaultEngine() {
        return defaultEngine;
    }

    /** The engine names with a mapping. */
    public Set<String> engines() {
        return mappings.keySet();
    }

    /** The mapping for {@code engine}, or null if there is none. */
    public EngineMapping mapping(String engine) {
        CompiledMapping m = mappings.get(engine);
        return m == null ? null : m.mapping;
    }

    /** The mapping an endpoint with these labels is read with (the default one when the label names none). */
    public EngineMapping mappingFor(Map<String, String> endpointLabels) {
        String engine = endpointLabels.get(engineLabelKey);
        CompiledMapping m = engine == null ? null : mappings.get(engine);
        return m != null ? m.mapping : mappings.get(defaultEngine).mapping;
    }

    /** Extracts from {@code body[offset, offset + length)} for an endpoint with {@code endpointLabels}. */
    public ModelServerMetrics extract(Map<String, String> endpointLabels, byte[] body, int offset, int length) {
        Objects.requireNonNull(endpointLabels, "endpointLabels");
        Objects.checkFromIndexSize(offset, length, body.length);
        String engine = endpointLabels.get(engineLabelKey);
        CompiledMapping compiled = null;
        MetricsProblem problem = null;
        if (engine != null && !engine.isEmpty() && !engine.equals(EngineMapping.RESERVED_DEFAULT)) {
            compiled = mappings.get(engine);
            if (compiled == null) {
                problem = new MetricsProblem(
                        Kind.UNKNOWN_ENGINE,
                        "endpoint label " + engineLabelKey + "=" + engine
                                + " names no metrics mapping (expected one of: " + String.join(", ", sortedEngines())
                                + "); read as the default engine " + defaultEngine);
            }
        }
        if (compiled == null) {
            compiled = mappings.get(defaultEngine);
        }
        ScrapeCollector collector = new ScrapeCollector(compiled);
        ParseResult parse = compiled.parser.parse(body, offset, length, collector);
        return MetricsAssembler.assemble(compiled, collector, parse, problem);
    }

    /** Extracts from all of {@code body}. */
    public ModelServerMetrics extract(Map<String, String> endpointLabels, byte[] body) {
        return extract(endpointLabels, body, 0, body.length);
    }

    /** Extracts from the remaining bytes of {@code body} without moving its position. */
    public ModelServerMetrics extract(Map<String, String> endpointLabels, ByteBuffer body) {
        if (body.hasArray()) {
            return extract(endpointLabels, body.array(), body.arrayOffset() + body.position(), body.remaining());
        }
        byte[] copy = new byte[body.remaining()];
        body.duplicate().get(copy);
        return extract(endpointLabels, copy);
    }

    private List<String> sortedEngines() {
        List<String> names = new ArrayList<>(mappings.keySet());
        names.sort(null);
        return names;
    }

    /**
     * Configuration of an extractor, mirroring GIE's {@code core-metrics-extractor} parameters
     * {@code engineLabelKey}, {@code defaultEngine} and {@code engineConfigs}. Not thread-safe.
     */
    public static final class Builder {

        private String engineLabelKey = EngineMapping.ENGINE_TYPE_LABEL;
        private String defaultEngine = EngineMapping.VLLM;
        private final List<EngineMapping> mappings = new ArrayList<>();

        private Builder() {}

        /** The endpoint label naming the engine; null or blank keeps the default. */
        public Builder engineLabelKey(String key) {
            this.engineLabelKey = key == null || key.isBlank() ? EngineMapping.ENGINE_TYPE_LABEL : key;
            return this;
        }

        /** The engine for endpoints without (or with an unknown) engine label; null or blank keeps {@code vllm}. */
        public Builder defaultEngine(String engine) {
            this.defaultEngine = engine == null || engine.isBlank() ? EngineMapping.VLLM : engine;
            return this;
        }

        /**
         * Adds a mapping, replacing a built-in of the same name.
         *
         * @throws IllegalArgumentException if a mapping of that name was already added
         */
        public Builder mapping(EngineMapping mapping) {
            Objects.requireNonNull(mapping, "mapping");
            for (EngineMapping m : mappings) {
                if (m.engine().equals(mapping.engine())) {
                    throw new IllegalArgumentException("engine mapping: '" + mapping.engine()
                            + "' given twice (expected: one mapping per engine)");
                }
            }
            mappings.add(mapping);
            return this;
        }

        /**
         * The extractor.
         *
         * @throws IllegalArgumentException if the default engine has no mapping
         */
        public MetricsExtractor build() {
            return new MetricsExtractor(this);
        }
    }
}
