package io.infergate.simulator.server;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.fault.FaultConfig;
import io.infergate.simulator.http.HttpServerConfig;
import io.infergate.simulator.metrics.MetricsFlavor;
import io.infergate.simulator.metrics.MetricsOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that defines one simulated replica. Immutable; build with {@link #builder(EngineConfig)}.
 *
 * @param name           shown in logs, thread names and the admin API, e.g. {@code sim-0}
 * @param engine         the engine configuration (model name, cache, batch limits, step times, LoRA)
 * @param modelRoot      the base model's path as {@code /v1/models} reports it ({@code root}); null = served name
 * @param seed           seeds the engine, the output lengths, the ids and the faults
 * @param port           the port to listen on, 0 = ephemeral
 * @param http           connection settings (bind host, body limit, keep-alive)
 * @param metricsFlavor  which server's {@code /metrics} to imitate
 * @param metricsOptions exposition knobs; a {@code createdUnixSeconds} of 0 means "when the replica was created"
 * @param loraModules    adapters loaded at start, name to path, in order (requires {@code engine.enableLora()})
 * @param faults         the faults injected from the start
 */
public record ReplicaSpec(
        String name,
        EngineConfig engine,
        String modelRoot,
        long seed,
        int port,
        HttpServerConfig http,
        MetricsFlavor metricsFlavor,
        MetricsOptions metricsOptions,
        Map<String, String> loraModules,
        FaultConfig faults) {

    public ReplicaSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(metricsFlavor, "metricsFlavor");
        Objects.requireNonNull(metricsOptions, "metricsOptions");
        Objects.requireNonNull(faults, "faults");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: blank (expected: a replica name such as sim-0)");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535, 0 = ephemeral)");
        }
        loraModules =
                Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(loraModules, "loraModules")));
        if (!loraModules.isEmpty() && !engine.enableLora()) {
            throw new IllegalArgumentException(
                    "loraModules: " + loraModules.keySet() + " (expected: none unless the engine config enables LoRA)");
        }
    }

    public static Builder builder(EngineConfig engine) {
        return new Builder(engine);
    }

    /** A spec for the default preset, for tests and demos. */
    public static Builder builder() {
        return new Builder(Preset.DEFAULT.config());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable builder; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String name = "sim-0";
        private EngineConfig engine;
        private String modelRoot;
        private long seed = 1;
        private int port;
        private HttpServerConfig http = HttpServerConfig.DEFAULT;
        private MetricsFlavor metricsFlavor = MetricsFlavor.VLLM;
        private MetricsOptions metricsOptions = MetricsOptions.defaults();
        private Map<String, String> loraModules = new LinkedHashMap<>();
        private FaultConfig faults = FaultConfig.NONE;

        private Builder(EngineConfig engine) {
            this.engine = engine;
        }

        private Builder(ReplicaSpec s) {
            name = s.name;
            engine = s.engine;
            modelRoot = s.modelRoot;
            seed = s.seed;
            port = s.port;
            http = s.http;
            metricsFlavor = s.metricsFlavor;
            metricsOptions = s.metricsOptions;
            loraModules = new LinkedHashMap<>(s.loraModules);
            faults = s.faults;
        }

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder engine(EngineConfig v) {
            engine = v;
            return this;
        }

        public Builder modelRoot(String v) {
            modelRoot = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder http(HttpServerConfig v) {
            http = v;
            return this;
        }

        public Builder metricsFlavor(MetricsFlavor v) {
            metricsFlavor = v;
            return this;
        }

        public Builder metricsOptions(MetricsOptions v) {
            metricsOptions = v;
            return this;
        }

        public Builder loraModules(Map<String, String> v) {
            loraModules = new LinkedHashMap<>(v);
            return this;
        }

        public Builder faults(FaultConfig v) {
            faults = v;
            return this;
        }

        public ReplicaSpec build() {
            return new ReplicaSpec(
                    name, engine, modelRoot, seed, port, http, metricsFlavor, metricsOptions, loraModules, faults);
        }
    }
}
