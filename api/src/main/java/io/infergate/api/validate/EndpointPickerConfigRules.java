package io.infergate.api.validate;

import io.infergate.api.Severity;
import io.infergate.api.model.ConfigTree;
import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.api.model.EndpointPickerConfig.PriorityBand;
import io.infergate.api.model.EndpointPickerConfig.ProfilePlugin;
import io.infergate.api.model.EndpointPickerConfig.SchedulingProfile;
import io.infergate.api.model.PluginType;
import io.infergate.api.model.PluginType.Role;
import io.infergate.api.model.PluginTypes;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The rules of an EndpointPickerConfig beyond its structure, as GIE v1.5.0's loader enforces them
 * ({@code pkg/epp/config/loader}, the plugin factories, {@code flowcontrol/registry}), with a few that Infergate adds:
 * <ul>
 *   <li>feature gates are {@code flowControl}, {@code dataLayer} (obsolete: a warning) or {@code enableLegacyMetrics};
 *       a {@code flowControl} section without its gate, or a {@code dataLayer} section with
 *       {@code enableLegacyMetrics}, is ignored by GIE: a warning;</li>
 *   <li>plugin types are those of {@link PluginTypes}; plugin names (defaulted to the type) are unique;</li>
 *   <li>every reference ({@code pluginRef} of profiles, saturation detector, parser, data layer; the flow-control
 *       policy references) names a declared plugin, or one GIE creates when it is missing (for example
 *       {@code max-score-picker} when no picker is declared, {@code openai-parser}, {@code utilization-detector},
 *       the default flow-control policies), and that plugin has the role the reference needs;</li>
 *   <li>profiles have unique, non-empty names; at most one picker each; more than one profile needs a profile handler
 *       other than {@code single-profile-handler}; at most one profile handler;</li>
 *   <li>a weight is finite and not negative (Infergate's rule: GIE v1.5.0 accepts any float, and a negative weight
 *       silently turns a scorer's preference around); a weight on a plugin that is not a scorer is ignored by GIE: a
 *       warning; a profile plugin that is not a filter, scorer or picker does nothing there: a warning;</li>
 *   <li>flow-control quantities and {@code defaultRequestTTL} are not negative; band priorities are unique;</li>
 *   <li>{@code prefix-cache-scorer} and {@code approx-prefix-cache-producer}: the legacy {@code blockSize} (characters)
 *       without a positive {@code blockSizeTokens} is an error, as GIE v1.4.0 made it. (GIE v1.5.0 fills in
 *       {@code blockSizeTokens: 16} before its check, so there it ignores {@code blockSize} without a word; Infergate
 *       keeps the v1.4.0 refusal rather than drop the value silently.)</li>
 * </ul>
 * Other plugin parameters are the business of the plugin that reads them (see {@code io.infergate.api.load.Params}).
 * Empty required strings (a type, a profile name, a {@code pluginRef}) are the loader's to report; these rules skip
 * them.
 *
 * <p>Stateless and thread-safe. Never throws on bad input: every finding goes to the {@link Sink} with the field path
 * of the offending value (relative to the document root, e.g. {@code schedulingProfiles[0].plugins[1].weight}).
 */
public final class EndpointPickerConfigRules {

    /** Receives the findings; the loader turns the path into a file position. */
    @FunctionalInterface
    public interface Sink {
        void report(Severity severity, String path, String message);
    }

    private EndpointPickerConfigRules() {}

    private record Declared(int index, EndpointPickerConfig.Plugin plugin) {
        Optional<PluginType> type() {
            return plugin.knownType();
        }
    }

    /** Checks every rule and reports each finding, in document order of the sections. */
    public static void check(EndpointPickerConfig config, Sink sink) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(sink, "sink");
        new Run(config, sink).run();
    }

    private static final class Run {
        private final EndpointPickerConfig c;
        private final Sink sink;
        private final Map<String, Declared> declared = new LinkedHashMap<>();
        /** Plugins GIE creates when they are missing (name to type), given this configuration. */
        private final Map<String, String> implicit = new LinkedHashMap<>();

        Run(EndpointPickerConfig c, Sink sink) {
            this.c = c;
            this.sink = sink;
        }

        void run() {
            featureGates();
            plugins();
            implicitPlugins();
            profiles();
            c.saturationDetector().ifPresent(sd -> {
                if (!sd.pluginRef().isEmpty()) {
                    resolve(sd.pluginRef(), "saturationDetector.pluginRef", Role.SATURATION_DETECTOR);
                }
            });
            dataLayer();
            flowControl();
            c.parser().ifPresent(p -> {
                if (!p.pluginRef().isEmpty()) {
                    resolve(p.pluginRef(), "parser.pluginRef", Role.PARSER);
                }
            });
        }

        private void error(String path, String message) {
            sink.report(Severity.ERROR, path, message);
        }

        private void warning(String path, String message) {
            sink.report(Severity.WARNING, path, message);
        }

        private void featureGates() {
            for (int i = 0; i < c.featureGates().size(); i++) {
                String gate = c.featureGates().get(i);
                String path = "featureGates[" + i + "]";
                if (!EndpointPickerConfig.FEATURE_GATES.contains(gate)) {
                    error(
                            path,
                            "unknown feature gate \"" + gate + "\" (expected one of: "
                                    + String.join(", ", EndpointPickerConfig.FEATURE_GATES) + ")");
                } else if (gate.equals(EndpointPickerConfig.FEATURE_DATA_LAYER)) {
                    warning(
                            path,
                            "feature gate \"dataLayer\" is obsolete: the data layer is on by default, and GIE"
                                    + " v1.5.0 asks to remove it (use \"enableLegacyMetrics\" to fall back to metrics polling)");
                }
            }
        }

        private void plugins() {
            for (int i = 0; i < c.plugins().size(); i++) {
                EndpointPickerConfig.Plugin p = c.plugins().get(i);
                String path = "plugins[" + i + "]";
                if (p.type().isEmpty()) {
                    continue; // reported by the loader
                }
                if (!PluginTypes.isKnown(p.type())) {
                    error(
                            path + ".type",
                            "unknown plugin type \"" + p.type() + "\" (expected one of: "
                                    + String.join(", ", PluginTypes.NAMES) + ")");
                }
                Declared first = declared.putIfAbsent(p.name(), new Declared(i, p));
                if (first != null) {
                    error(
                            path + ".name",
                            "duplicate plugin name \"" + p.name() + "\" (first: plugins[" + first.index()
                                    + "]; a name defaults to the type, so give each instance of a type its own name)");
                }
                if (p.type().equals(PluginTypes.PREFIX_CACHE_SCORER)
                        || p.type().equals(PluginTypes.APPROX_PREFIX_CACHE_PRODUCER)) {
                    legacyBlockSize(p.parameters(), path + ".parameters");
                }
            }
            List<Declared> handlers = declared.values().stream()
                    .filter(d -> d.type().map(t -> t.is(Role.PROFILE_HANDLER)).orElse(false))
                    .toList();
            for (int k = 1; k < handlers.size(); k++) {
                Declared d = handlers.get(k);
                error(
                        "plugins[" + d.index() + "].type",
                        "a second profile handler \"" + d.plugin().name()
                                + "\" (first: \"" + handlers.get(0).plugin().name() + "\", plugins["
                                + handlers.get(0).index()
                                + "]); only one is allowed");
            }
        }

        private void legacyBlockSize(ConfigTree.Mapping params, String path) {
            long blockSize = integer(params, "blockSize").orElse(0L);
            Optional<Long> tokens = integer(params, "blockSizeTokens");
            if (blockSize > 0 && tokens.orElse(0L) <= 0) {
                error(
                        path + ".blockSize",
                        "blockSize is deprecated (it counts characters) and blockSizeTokens is "
                                + (tokens.isPresent() ? "not positive" : "not set")
                                + " (expected: blockSizeTokens, in tokens"
                                + " of about 4 characters, e.g. blockSizeTokens: " + Math.max(1, blockSize / 4)
                                + " for blockSize: " + blockSize
                                + "; GIE v1.4 refuses blockSize alone and v1.5 ignores it)");
            }
        }

        private static Optional<Long> integer(ConfigTree.Mapping m, String key) {
            return m.get(key)
                    .filter(ConfigTree.Scalar.class::isInstance)
                    .map(ConfigTree.Scalar.class::cast)
                    .flatMap(ConfigTree.Scalar::integerValue)
                    .filter(v -> v.bitLength() < 64)
                    .map(BigInteger::longValue);
        }

        /** What GIE's {@code applySystemDefaults} would add, so that references to those resolve. */
        private void implicitPlugins() {
            boolean anyPicker = declared.values().stream()
                    .anyMatch(d -> d.type().map(t -> t.is(Role.PICKER)).orElse(false));
            boolean anyHandler = declared.values().stream()
                    .anyMatch(d -> d.type().map(t -> t.is(Role.PROFILE_HANDLER)).orElse(false));
            if (c.schedulingProfiles().size() <= 1 && !anyHandler) {
                addImplicit(PluginTypes.SINGLE_PROFILE_HANDLER);
            }
            if (!anyPicker) {
                addImplicit(PluginTypes.MAX_SCORE_PICKER);
            }
            addImplicit(PluginTypes.FCFS_ORDERING_POLICY);
            addImplicit(PluginTypes.GLOBAL_STRICT_FAIRNESS_POLICY);
            addImplicit(PluginTypes.STATIC_USAGE_LIMIT_POLICY);
            if (c.parser().isEmpty() || !declared.containsKey(c.parser().get().pluginRef())) {
                addImplicit(PluginTypes.OPENAI_PARSER);
            }
            String detector = c.saturationDetector()
                    .map(EndpointPickerConfig.SaturationDetector::pluginRef)
                    .orElse("");
            if (detector.isEmpty() || detector.equals(PluginTypes.UTILIZATION_DETECTOR)) {
                addImplicit(PluginTypes.UTILIZATION_DETECTOR);
            }
            if (c.dataLayer().isEmpty() && !c.hasFeatureGate(EndpointPickerConfig.FEATURE_LEGACY_METRICS)) {
                addImplicit(PluginTypes.METRICS_DATA_SOURCE);
                addImplicit(PluginTypes.CORE_METRICS_EXTRACTOR);
            }
            if (!c.pluginsOfType(PluginTypes.PREFIX_CACHE_SCORER).isEmpty()
                    && c.pluginsOfType(PluginTypes.APPROX_PREFIX_CACHE_PRODUCER).isEmpty()) {
                addImplicit(PluginTypes.APPROX_PREFIX_CACHE_PRODUCER);
            }
        }

        private void addImplicit(String type) {
            if (!declared.containsKey(type)) {
                implicit.put(type, type);
            }
        }

        /** The type of the plugin a reference names, or empty when it names none (reported here). */
        private Optional<String> resolve(String ref, String path, Role role) {
            String type;
            Declared d = declared.get(ref);
            if (d != null) {
                type = d.plugin().type();
            } else if (implicit.containsKey(ref)) {
                type = implicit.get(ref);
            } else {
                error(path, "plugin \"" + ref + "\" is not declared (" + declaredNames() + ")");
                return Optional.empty();
            }
            Optional<PluginType> t = PluginTypes.find(type);
            if (role != null && t.isPresent() && !t.get().is(role)) {
                error(
                        path,
                        "plugin \"" + ref + "\" has type " + type + ", which is not " + role.noun()
                                + " (expected: a plugin of type " + String.join(", ", PluginTypes.namesWith(role))
                                + ")");
            }
            return Optional.of(type);
        }

        private String declaredNames() {
            return declared.isEmpty() ? "no plugins are declared" : "declared: " + String.join(", ", declared.keySet());
        }

        private void profiles() {
            List<SchedulingProfile> profiles = c.schedulingProfiles();
            Map<String, Integer> names = new HashMap<>();
            for (int i = 0; i < profiles.size(); i++) {
                SchedulingProfile profile = profiles.get(i);
                String path = "schedulingProfiles[" + i + "]";
                if (!profile.name().isEmpty()) {
                    Integer first = names.putIfAbsent(profile.name(), i);
                    if (first != null) {
                        error(
                                path + ".name",
                                "duplicate profile name \"" + profile.name() + "\" (first:" + " schedulingProfiles["
                                        + first + "])");
                    }
                }
                profilePlugins(profile, path);
            }
            if (profiles.size() > 1) {
                List<Declared> handlers = declared.values().stream()
                        .filter(d ->
                                d.type().map(t -> t.is(Role.PROFILE_HANDLER)).orElse(false))
                        .toList();
                if (handlers.isEmpty()) {
                    error(
                            "schedulingProfiles[1]",
                            profiles.size() + " scheduling profiles and no profile handler"
                                    + " (expected: one profile, or a profile handler plugin that runs several; GIE adds "
                                    + PluginTypes.SINGLE_PROFILE_HANDLER + " only for a single profile)");
                } else if (handlers.get(0).plugin().type().equals(PluginTypes.SINGLE_PROFILE_HANDLER)) {
                    error(
                            "schedulingProfiles[1]",
                            profiles.size() + " scheduling profiles, but profile handler \""
                                    + handlers.get(0).plugin().name() + "\" is a " + PluginTypes.SINGLE_PROFILE_HANDLER
                                    + ", which runs exactly one (expected: one profile, or a profile handler that runs"
                                    + " several)");
                }
            }
        }

        private void profilePlugins(SchedulingProfile profile, String profilePath) {
            String picker = null;
            for (int j = 0; j < profile.plugins().size(); j++) {
                ProfilePlugin pp = profile.plugins().get(j);
                String path = profilePath + ".plugins[" + j + "]";
                weight(pp, path);
                if (pp.pluginRef().isEmpty()) {
                    continue; // reported by the loader
                }
                Optional<String> type = resolve(pp.pluginRef(), path + ".pluginRef", null);
                Optional<PluginType> t = type.flatMap(PluginTypes::find);
                if (t.isEmpty()) {
                    continue;
                }
                if (!t.get().isProfilePlugin()) {
                    warning(
                            path + ".pluginRef",
                            "plugin \"" + pp.pluginRef() + "\" has type "
                                    + t.get().name()
                                    + ", which is not a filter, scorer or picker, so it does nothing in a profile");
                }
                if (pp.weight().isPresent() && !t.get().is(Role.SCORER)) {
                    warning(
                            path + ".weight",
                            "weight is ignored: plugin \"" + pp.pluginRef() + "\" has type "
                                    + t.get().name() + ", which is not a scorer");
                }
                if (t.get().is(Role.PICKER)) {
                    if (picker != null) {
                        error(
                                path + ".pluginRef",
                                "a second picker \"" + pp.pluginRef() + "\" in profile \"" + profile.name()
                                        + "\" (first: \"" + picker + "\"); a profile has one picker");
                    } else {
                        picker = pp.pluginRef();
                    }
                }
            }
        }

        private void weight(ProfilePlugin pp, String path) {
            if (pp.weight().isEmpty()) {
                return;
            }
            double w = pp.weight().getAsDouble();
            if (!Double.isFinite(w) || w < 0) {
                error(
                        path + ".weight",
                        "found " + w + " (expected: a finite number >= 0; scores are multiplied by"
                                + " the weight and summed, so a negative weight would prefer the endpoints the scorer rates"
                                + " worst)");
            }
        }

        private void dataLayer() {
            if (c.dataLayer().isEmpty()) {
                return;
            }
            if (c.hasFeatureGate(EndpointPickerConfig.FEATURE_LEGACY_METRICS)) {
                warning(
                        "dataLayer",
                        "ignored: feature gate \"enableLegacyMetrics\" turns the data layer off"
                                + " (expected: one of the two)");
            }
            List<EndpointPickerConfig.DataSource> sources = c.dataLayer().get().sources();
            for (int i = 0; i < sources.size(); i++) {
                EndpointPickerConfig.DataSource s = sources.get(i);
                String path = "dataLayer.sources[" + i + "]";
                if (!s.pluginRef().isEmpty()) {
                    resolve(s.pluginRef(), path + ".pluginRef", Role.DATA_SOURCE);
                }
                for (int j = 0; j < s.extractors().size(); j++) {
                    if (!s.extractors().get(j).isEmpty()) {
                        resolve(s.extractors().get(j), path + ".extractors[" + j + "].pluginRef", Role.EXTRACTOR);
                    }
                }
            }
        }

        private void flowControl() {
            if (c.flowControl().isEmpty()) {
                return;
            }
            EndpointPickerConfig.FlowControl fc = c.flowControl().get();
            if (!c.hasFeatureGate(EndpointPickerConfig.FEATURE_FLOW_CONTROL)) {
                warning(
                        "flowControl",
                        "ignored: feature gate \"flowControl\" is not enabled (expected: featureGates:"
                                + " [flowControl] to use this section)");
            }
            notNegative(fc.maxBytes(), "flowControl.maxBytes");
            notNegative(fc.maxRequests(), "flowControl.maxRequests");
            fc.defaultRequestTTL().ifPresent(ttl -> {
                if (ttl.isNegative()) {
                    error(
                            "flowControl.defaultRequestTTL",
                            "found a negative duration (expected: a duration >= 0; 0"
                                    + " means requests wait until the client gives up)");
                }
            });
            fc.defaultPriorityBand().ifPresent(b -> band(b, "flowControl.defaultPriorityBand"));
            Map<Integer, Integer> priorities = new HashMap<>();
            for (int i = 0; i < fc.priorityBands().size(); i++) {
                PriorityBand b = fc.priorityBands().get(i);
                String path = "flowControl.priorityBands[" + i + "]";
                Integer first = priorities.putIfAbsent(b.priority(), i);
                if (first != null) {
                    error(
                            path + ".priority",
                            "duplicate priority " + b.priority() + " (first:" + " flowControl.priorityBands[" + first
                                    + "]; a priority has one band)");
                }
                band(b, path);
            }
            if (!fc.usageLimitPolicyPluginRef().isEmpty()) {
                resolve(
                        fc.usageLimitPolicyPluginRef(),
                        "flowControl.usageLimitPolicyPluginRef",
                        Role.USAGE_LIMIT_POLICY);
            }
        }

        private void band(PriorityBand b, String path) {
            notNegative(b.maxBytes(), path + ".maxBytes");
            notNegative(b.maxRequests(), path + ".maxRequests");
            if (!b.fairnessPolicyRef().isEmpty()) {
                resolve(b.fairnessPolicyRef(), path + ".fairnessPolicyRef", Role.FAIRNESS_POLICY);
            }
            if (!b.orderingPolicyRef().isEmpty()) {
                resolve(b.orderingPolicyRef(), path + ".orderingPolicyRef", Role.ORDERING_POLICY);
            }
        }

        private void notNegative(OptionalLong v, String path) {
            if (v.isPresent() && v.getAsLong() < 0) {
                error(path, "found " + v.getAsLong() + " (expected: a quantity >= 0; 0 or no value means no limit)");
            }
        }
    }
}
