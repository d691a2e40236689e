package io.infergate.api.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * GIE's {@code inference.networking.x-k8s.io/v1alpha1} EndpointPickerConfig, field for field as the Go type of
 * v1.5.0 ({@code apix/config/v1alpha1/endpointpickerconfig_types.go}); the v0.5.x form (plugins and profiles only,
 * integer weights) is a subset. It configures the endpoint picker: plugin instances, scheduling profiles, the
 * saturation detector, the data layer, flow control and the request parser.
 *
 * <p>GIE reads it from {@code --config-file}/{@code --config-text}, where it has no {@code metadata}; Infergate also
 * accepts it as a document of a manifest set, where {@code metadata} is optional and its name defaults to
 * {@value #DEFAULT_NAME}. See {@code io.infergate.api.load.EndpointPickerConfigLoader}.
 *
 * <p>As loaded, nothing is defaulted except {@link Plugin#name()} (which GIE defaults to the type before anything
 * else looks at it). Everything GIE's loader adds later (a {@code default} profile, {@code single-profile-handler},
 * {@code max-score-picker}, scorer weight 1.0, the parser, the saturation detector, the data layer, flow-control
 * policies, the {@code approx-prefix-cache-producer} next to a {@code prefix-cache-scorer}) is left to the
 * scheduler, which knows what its plugins are: absent sections are {@link Optional#empty()}, absent weights
 * {@link OptionalDouble#empty()}, absent references {@code ""}.
 *
 * <p>Immutable and thread-safe. Records check only structure (non-null, immutable copies); the rules (known types,
 * unique names, resolvable references, weights, ...) are {@code io.infergate.api.validate.EndpointPickerConfigRules},
 * which the loader runs.
 *
 * @param featureGates       as written: {@value #FEATURE_FLOW_CONTROL}, {@value #FEATURE_DATA_LAYER},
 *                           {@value #FEATURE_LEGACY_METRICS}
 * @param plugins            the plugin instances, in document order
 * @param schedulingProfiles the profiles, in document order; may be empty (GIE then builds {@code default})
 * @param saturationDetector empty when the section is absent
 * @param dataLayer          empty when the section is absent; present with no sources disables metrics collection
 * @param flowControl        empty when the section is absent; GIE reads it only with the {@code flowControl} gate
 * @param parser             empty when the section is absent
 */
public record EndpointPickerConfig(
        ObjectMeta metadata,
        Origin origin,
        List<String> featureGates,
        List<Plugin> plugins,
        List<SchedulingProfile> schedulingProfiles,
        Optional<SaturationDetector> saturationDetector,
        Optional<DataLayer> dataLayer,
        Optional<FlowControl> flowControl,
        Optional<Parser> parser)
        implements Resource {

    public static final String KIND = "EndpointPickerConfig";
    /** The name of a configuration without metadata (a standalone file, or a manifest document without metadata). */
    public static final String DEFAULT_NAME = "default";

    /** Enables the flow-control layer and its {@code flowControl} section. */
    public static final String FEATURE_FLOW_CONTROL = "flowControl";
    /** Obsolete in GIE v1.5.0 (the data layer is on by default); still accepted. */
    public static final String FEATURE_DATA_LAYER = "dataLayer";
    /** Falls back to legacy metrics polling; the {@code dataLayer} section is then not used. */
    public static final String FEATURE_LEGACY_METRICS = "enableLegacyMetrics";
    /** The feature gates GIE v1.5.0 registers; any other is an error there. */
    public static final List<String> FEATURE_GATES =
            List.of(FEATURE_DATA_LAYER, FEATURE_LEGACY_METRICS, FEATURE_FLOW_CONTROL);

    public EndpointPickerConfig {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        featureGates = Copies.list(featureGates, "featureGates");
        plugins = Copies.list(plugins, "plugins");
        schedulingProfiles = Copies.list(schedulingProfiles, "schedulingProfiles");
        Objects.requireNonNull(saturationDetector, "saturationDetector");
        Objects.requireNonNull(dataLayer, "dataLayer");
        Objects.requireNonNull(flowControl, "flowControl");
        Objects.requireNonNull(parser, "parser");
    }

    @Override
    public String apiVersion() {
        return ApiGroups.INFERENCE_X_V1ALPHA1;
    }

    @Override
    public String kind() {
        return KIND;
    }

    public boolean hasFeatureGate(String gate) {
        return featureGates.contains(gate);
    }

    /** The first plugin with this name (names are unique in a valid configuration). */
    public Optional<Plugin> plugin(String name) {
        return plugins.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The plugins of this type, in document order. */
    public List<Plugin> pluginsOfType(String type) {
        return plugins.stream().filter(p -> p.type().equals(type)).toList();
    }

    /** The index of the first plugin with this name in {@link #plugins()} (for field paths), or -1. */
    public int pluginIndex(String name) {
        for (int i = 0; i < plugins.size(); i++) {
            if (plugins.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * One plugin instance ({@code plugins[i]}).
     *
     * @param name       as written, or {@link #type()} when absent or empty (GIE's only static default)
     * @param type       a name from {@link PluginTypes}; empty only when the file lacked it (an error was reported)
     * @param parameters handed to the plugin as they are; an empty mapping at {@code plugins[i].parameters} (placed
     *                   at the plugin entry) when absent
     */
    public record Plugin(String name, String type, ConfigTree.Mapping parameters) {
        public Plugin {
            Copies.str(name, "name");
            Copies.str(type, "type");
            Objects.requireNonNull(parameters, "parameters");
        }

        /** The registered type, when the name is one {@link PluginTypes} knows. */
        public Optional<PluginType> knownType() {
            return PluginTypes.find(type);
        }
    }

    /** A named profile ({@code schedulingProfiles[i]}): filters, scorers and a picker, by reference. */
    public record SchedulingProfile(String name, List<ProfilePlugin> plugins) {
        public SchedulingProfile {
            Copies.str(name, "name");
            plugins = Copies.list(plugins, "plugins");
        }
    }

    /**
     * A plugin of a profile ({@code schedulingProfiles[i].plugins[j]}).
     *
     * @param pluginRef the {@link Plugin#name()} it uses
     * @param weight    as written (GIE v1.5.0: a float; v0.5.x: an integer); only scorers use it; empty when absent
     *                  (GIE then uses 1.0)
     */
    public record ProfilePlugin(String pluginRef, OptionalDouble weight) {
        public ProfilePlugin {
            Copies.str(pluginRef, "pluginRef");
            Objects.requireNonNull(weight, "weight");
        }
    }

    /** {@code saturationDetector}; {@code pluginRef} is {@code ""} when omitted (GIE: utilization-detector). */
    public record SaturationDetector(String pluginRef) {
        public SaturationDetector {
            Copies.str(pluginRef, "pluginRef");
        }
    }

    /** {@code dataLayer}: the data sources and, per source, its extractors. */
    public record DataLayer(List<DataSource> sources) {
        public DataLayer {
            sources = Copies.list(sources, "sources");
        }
    }

    /**
     * {@code dataLayer.sources[i]}.
     *
     * @param extractors the {@code pluginRef} of each {@code extractors[j]}, in order
     */
    public record DataSource(String pluginRef, List<String> extractors) {
        public DataSource {
            Copies.str(pluginRef, "pluginRef");
            extractors = Copies.list(extractors, "extractors");
        }
    }

    /** {@code parser}. */
    public record Parser(String pluginRef) {
        public Parser {
            Copies.str(pluginRef, "pluginRef");
        }
    }

    /**
     * {@code flowControl}. Quantities ({@code maxBytes}, {@code maxRequests}) are Kubernetes quantities ("1Gi",
     * "500M", 100, "1k"), kept as their integer value rounded up, as GIE's {@code Quantity.Value()} does; 0 means
     * no limit.
     *
     * @param defaultRequestTTL         a Go duration; 0 means wait until the client gives up
     * @param usageLimitPolicyPluginRef {@code ""} when omitted (GIE: static-usage-limit-policy)
     */
    public record FlowControl(
            OptionalLong maxBytes,
            OptionalLong maxRequests,
            Optional<Duration> defaultRequestTTL,
            Optional<PriorityBand> defaultPriorityBand,
            List<PriorityBand> priorityBands,
            String usageLimitPolicyPluginRef) {
        public FlowControl {
            Objects.requireNonNull(maxBytes, "maxBytes");
            Objects.requireNonNull(maxRequests, "maxRequests");
            Objects.requireNonNull(defaultRequestTTL, "defaultRequestTTL");
            Objects.requireNonNull(defaultPriorityBand, "defaultPriorityBand");
            priorityBands = Copies.list(priorityBands, "priorityBands");
            Copies.str(usageLimitPolicyPluginRef, "usageLimitPolicyPluginRef");
        }
    }

    /**
     * {@code flowControl.priorityBands[i]} or {@code flowControl.defaultPriorityBand}.
     *
     * @param priority          higher is more important; 0 when absent (a Go {@code int}); ignored in the default
     *                          band, which is a template
     * @param fairnessPolicyRef {@code ""} when omitted (GIE: global-strict-fairness-policy)
     * @param orderingPolicyRef {@code ""} when omitted (GIE: fcfs-ordering-policy)
     */
    public record PriorityBand(
            int priority,
            OptionalLong maxBytes,
            OptionalLong maxRequests,
            String fairnessPolicyRef,
            String orderingPolicyRef) {
        public PriorityBand {
            Objects.requireNonNull(maxBytes, "maxBytes");
            Objects.requireNonNull(maxRequests, "maxRequests");
            Copies.str(fairnessPolicyRef, "fairnessPolicyRef");
            Copies.str(orderingPolicyRef, "orderingPolicyRef");
        }
    }
}
