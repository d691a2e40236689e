package io.infergate.api.load;

import io.infergate.api.Location;
import io.infergate.api.Severity;
import io.infergate.api.model.ConfigTree;
import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.api.model.EndpointPickerConfig.DataLayer;
import io.infergate.api.model.EndpointPickerConfig.DataSource;
import io.infergate.api.model.EndpointPickerConfig.FlowControl;
import io.infergate.api.model.EndpointPickerConfig.Parser;
import io.infergate.api.model.EndpointPickerConfig.Plugin;
import io.infergate.api.model.EndpointPickerConfig.PriorityBand;
import io.infergate.api.model.EndpointPickerConfig.ProfilePlugin;
import io.infergate.api.model.EndpointPickerConfig.SaturationDetector;
import io.infergate.api.model.EndpointPickerConfig.SchedulingProfile;
import io.infergate.api.model.ObjectMeta;
import io.infergate.api.model.Origin;
import io.infergate.api.validate.EndpointPickerConfigRules;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Decodes the body of one EndpointPickerConfig document (everything but apiVersion, kind and metadata) strictly,
 * then runs {@link EndpointPickerConfigRules} on it, reporting each finding at the node of its field path. Remembers
 * the node of every field it read for that purpose. Applies no defaults but the plugin name. One instance per
 * document; confined to the loading thread; never throws on bad input.
 */
final class EndpointPickerConfigDecoder {

    /** Deeper parameter trees are refused: YAML aliases can make a tree refer to itself. */
    private static final int MAX_DEPTH = 64;

    private final DecodeContext ctx;
    private final Node root;
    private final UnaryOperator<Location> place;
    private final Map<String, Node> nodes = new HashMap<>();

    /**
     * @param place maps a position in the parsed text to the position reported in the configuration tree (the
     *              identity, except for a ConfigMap value, whose positions are shifted into the manifest file)
     */
    EndpointPickerConfigDecoder(DecodeContext ctx, Node root, UnaryOperator<Location> place) {
        this.ctx = ctx;
        this.root = root;
        this.place = place;
    }

    EndpointPickerConfig decode(Obj doc, ObjectMeta meta, Origin origin) {
        List<String> gates = doc.strings("featureGates");
        keepItems(doc, "featureGates");
        List<Plugin> plugins = new ArrayList<>();
        List<Obj> pluginItems = items(doc, "plugins");
        for (int i = 0; i < pluginItems.size(); i++) {
            plugins.add(plugin(pluginItems.get(i), "plugins[" + i + "]"));
        }
        List<SchedulingProfile> profiles = new ArrayList<>();
        for (Obj p : items(doc, "schedulingProfiles")) {
            profiles.add(profile(p));
        }
        Optional<SaturationDetector> detector = object(doc, "saturationDetector")
                .map(o -> {
                    String ref = string(o, "pluginRef").orElse("");
                    o.finish();
                    return new SaturationDetector(ref);
                });
        Optional<DataLayer> dataLayer = object(doc, "dataLayer").map(o -> {
            List<DataSource> sources = new ArrayList<>();
            for (Obj s : items(o, "sources")) {
                if (s == null) {
                    sources.add(new DataSource("", List.of()));
                    continue;
                }
                String ref = requiredRef(s);
                List<String> extractors = new ArrayList<>();
                for (Obj e : items(s, "extractors")) {
                    extractors.add(e == null ? "" : requiredRef(e));
                    if (e != null) {
                        e.finish();
                    }
                }
                s.finish();
                sources.add(new DataSource(ref, extractors));
            }
            o.finish();
            return new DataLayer(sources);
        });
        Optional<FlowControl> flowControl = object(doc, "flowControl").map(this::flowControl);
        Optional<Parser> parser = object(doc, "parser").map(o -> {
            String ref = requiredRef(o);
            o.finish();
            return new Parser(ref);
        });
        return new EndpointPickerConfig(
                meta, origin, gates, plugins, profiles, detector, dataLayer, flowControl, parser);
    }

    /** Runs the rules, reporting each finding at the node closest to its path. */
    void validate(EndpointPickerConfig config) {
        EndpointPickerConfigRules.check(config, (severity, path, message) -> {
            Node at = nearest(path);
            if (severity == Severity.ERROR) {
                ctx.error(at, path, message);
            } else {
                ctx.warning(at, path, message);
            }
        });
    }

    private Plugin plugin(Obj p, String path) {
        if (p == null) {
            return new Plugin("", "", ConfigTree.Mapping.empty(Location.UNKNOWN, path + ".parameters"));
        }
        String type = requiredNonEmpty(p, "type", "a plugin type");
        // GIE's one static default: an empty or missing name is the type
        String name = string(p, "name").filter(n -> !n.isEmpty()).orElse(type);
        ConfigTree.Mapping parameters;
        Node n = keep(p, "parameters");
        if (n == null) {
            parameters = ConfigTree.Mapping.empty(place.apply(ctx.location(p.node())), p.path("parameters"));
        } else if (n instanceof MappingNode) {
            parameters = (ConfigTree.Mapping) tree(n, p.path("parameters"), 0);
        } else {
            ctx.error(n, p.path("parameters"), "found " + Obj.describe(n) + " (expected: an object of parameters)");
            parameters = ConfigTree.Mapping.empty(place.apply(ctx.location(n)), p.path("parameters"));
        }
        p.finish();
        return new Plugin(name, type, parameters);
    }

    private SchedulingProfile profile(Obj p) {
        if (p == null) {
            return new SchedulingProfile("", List.of());
        }
        String name = requiredNonEmpty(p, "name", "a profile name");
        List<ProfilePlugin> plugins = new ArrayList<>();
        for (Obj pp : items(p, "plugins")) {
            if (pp == null) {
                plugins.add(new ProfilePlugin("", OptionalDouble.empty()));
                continue;
            }
            String ref = requiredRef(pp);
            OptionalDouble weight = OptionalDouble.empty();
            Node w = keep(pp, "weight");
            if (w != null) {
                Optional<Double> d = w instanceof ScalarNode s ? scalar(s, "").numberValue() : Optional.empty();
                if (d.isPresent()) {
                    weight = OptionalDouble.of(d.get());
                } else {
                    ctx.error(w, pp.path("weight"), "found " + Obj.describe(w) + " (expected: a number)");
                }
            }
            pp.finish();
            plugins.add(new ProfilePlugin(ref, weight));
        }
        p.finish();
        return new SchedulingProfile(name, plugins);
    }

    private FlowControl flowControl(Obj o) {
        OptionalLong maxBytes = quantity(o, "maxBytes");
        OptionalLong maxRequests = quantity(o, "maxRequests");
        Optional<Duration> ttl = duration(o, "defaultRequestTTL");
        Optional<PriorityBand> defaultBand = object(o, "defaultPriorityBand").map(this::band);
        List<PriorityBand> bands = new ArrayList<>();
        for (Obj b : items(o, "priorityBands")) {
            bands.add(b == null ? new PriorityBand(0, OptionalLong.empty(), OptionalLong.empty(), "", "") : band(b));
        }
        String usage = string(o, "usageLimitPolicyPluginRef").orElse("");
        o.finish();
        return new FlowControl(maxBytes, maxRequests, ttl, defaultBand, bands, usage);
    }

    private PriorityBand band(Obj b) {
        // a Go int without omitempty: absent is 0
        int priority = b.integer("priority").orElse(0);
        keep(b, "priority");
        PriorityBand band = new PriorityBand(
                priority,
                quantity(b, "maxBytes"),
                quantity(b, "maxRequests"),
                string(b, "fairnessPolicyRef").orElse(""),
                string(b, "orderingPolicyRef").orElse(""));
        b.finish();
        return band;
    }

    // --- field readers that remember the node of what they read

    private Node keep(Obj o, String key) {
        Node n = o.raw(key);
        if (n != null) {
            nodes.put(o.path(key), n);
        }
        return n;
    }

    private Optional<String> string(Obj o, String key) {
        Optional<String> s = o.string(key);
        keep(o, key);
        return s;
    }

    private Optional<Obj> object(Obj o, String key) {
        Optional<Obj> obj = o.object(key);
        keep(o, key);
        return obj;
    }

    /** A required string that must not be empty either (GIE refuses an empty type, name or reference). */
    private String requiredNonEmpty(Obj o, String key, String what) {
        String s = o.requiredString(key);
        Node n = keep(o, key);
        if (n != null && s.isEmpty() && n instanceof ScalarNode && Tag.STR.equals(n.getTag())) {
            ctx.error(n, o.path(key), "found an empty string (expected: " + what + ")");
        }
        return s;
    }

    private String requiredRef(Obj o) {
        return requiredNonEmpty(o, "pluginRef", "the name of a plugin declared in plugins");
    }

    /**
     * The items of a list of objects, index for index: an item that is not an object is reported and stands as
     * {@code null}, so that model indices stay the document's.
     */
    private List<Obj> items(Obj o, String key) {
        List<Node> raw = o.sequence(key);
        keep(o, key);
        List<Obj> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String path = o.path(key) + "[" + i + "]";
            nodes.put(path, raw.get(i));
            out.add(Obj.of(raw.get(i), path, ctx));
        }
        return out;
    }

    private void keepItems(Obj o, String key) {
        if (keep(o, key) instanceof SequenceNode s) {
            for (int i = 0; i < s.getValue().size(); i++) {
                nodes.put(o.path(key) + "[" + i + "]", s.getValue().get(i));
            }
        }
    }

    /** A Kubernetes quantity: a string or a number, as {@code resource.Quantity} unmarshals from JSON. */
    private OptionalLong quantity(Obj o, String key) {
        Node n = keep(o, key);
        if (n == null) {
            return OptionalLong.empty();
        }
        String text = null;
        if (n instanceof ScalarNode s) {
            if (Tag.STR.equals(s.getTag()) || Tag.FLOAT.equals(s.getTag())) {
                text = s.getValue();
            } else if (Tag.INT.equals(s.getTag())) {
                text = scalar(s, "").integerValue().map(BigInteger::toString).orElse(s.getValue());
            }
        }
        if (text == null) {
            ctx.error(n, o.path(key), "found " + Obj.describe(n) + " (expected: " + Quantities.EXPECTED + ")");
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Quantities.value(text));
        } catch (IllegalArgumentException e) {
            ctx.error(
                    n,
                    o.path(key),
                    "\"" + text + "\" is not a quantity: " + e.getMessage() + " (expected: " + Quantities.EXPECTED
                            + ")");
            return OptionalLong.empty();
        }
    }

    /** A Go duration string ({@code metav1.Duration}). */
    private Optional<Duration> duration(Obj o, String key) {
        Node n = keep(o, key);
        if (n == null) {
            return Optional.empty();
        }
        if (!(n instanceof ScalarNode s && Tag.STR.equals(s.getTag()))) {
            ctx.error(
                    n,
                    o.path(key),
                    "found " + Obj.describe(n) + " (expected: " + GoDuration.EXPECTED + ", as a string)");
            return Optional.empty();
        }
        try {
            return Optional.of(GoDuration.parse(s.getValue()));
        } catch (IllegalArgumentException e) {
            ctx.error(
                    n,
                    o.path(key),
                    "\"" + s.getValue() + "\" is not a duration: " + e.getMessage() + " (expected: "
                            + GoDuration.EXPECTED + ")");
            return Optional.empty();
        }
    }

    // --- parameters

    private ConfigTree tree(Node n, String path, int depth) {
        nodes.put(path, n);
        ctx.record(path, n);
        Location at = place.apply(ctx.location(n));
        if (depth > MAX_DEPTH) {
            ctx.error(
                    n,
                    path,
                    "nested more than " + MAX_DEPTH + " levels deep (expected: a finite tree; check for"
                            + " a YAML alias that refers to itself)");
            return new ConfigTree.Scalar(at, path, ConfigTree.Scalar.Kind.NULL, "null");
        }
        if (n instanceof MappingNode m) {
            Map<String, ConfigTree> entries = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    ctx.error(t.getKeyNode(), path, "found a non-scalar key (expected: parameter names)");
                    continue;
                }
                String childPath = ConfigTree.join(path, k.getValue());
                if (entries.containsKey(k.getValue())) {
                    ctx.error(k, childPath, "duplicate field \"" + k.getValue() + "\"");
                    continue;
                }
                entries.put(k.getValue(), tree(t.getValueNode(), childPath, depth + 1));
            }
            return new ConfigTree.Mapping(at, path, entries);
        }
        if (n instanceof SequenceNode s) {
            List<ConfigTree> items = new ArrayList<>(s.getValue().size());
            for (int i = 0; i < s.getValue().size(); i++) {
                items.add(tree(s.getValue().get(i), path + "[" + i + "]", depth + 1));
            }
            return new ConfigTree.Sequence(at, path, items);
        }
        ScalarNode s = (ScalarNode) n;
        ConfigTree.Scalar scalar = scalar(s, path);
        if (!isJsonTag(s.getTag())) {
            ctx.error(
                    n,
                    path,
                    "found a value tagged " + s.getTag() + " (expected: an object, a list, a string, a"
                            + " number, a boolean or null, as in JSON)");
        }
        return scalar;
    }

    private ConfigTree.Scalar scalar(ScalarNode s, String path) {
        Tag tag = s.getTag();
        ConfigTree.Scalar.Kind kind;
        if (Tag.INT.equals(tag)) {
            kind = ConfigTree.Scalar.Kind.INTEGER;
        } else if (Tag.FLOAT.equals(tag)) {
            kind = ConfigTree.Scalar.Kind.FLOAT;
        } else if (Tag.BOOL.equals(tag)) {
            kind = ConfigTree.Scalar.Kind.BOOLEAN;
        } else if (Tag.NULL.equals(tag)) {
            kind = ConfigTree.Scalar.Kind.NULL;
        } else {
            kind = ConfigTree.Scalar.Kind.STRING;
        }
        return new ConfigTree.Scalar(place.apply(ctx.location(s)), path, kind, s.getValue());
    }

    private static boolean isJsonTag(Tag tag) {
        return Tag.STR.equals(tag)
                || Tag.INT.equals(tag)
                || Tag.FLOAT.equals(tag)
                || Tag.BOOL.equals(tag)
                || Tag.NULL.equals(tag);
    }

    /** The node of {@code path}, or of its closest ancestor that was written, or the document. */
    private Node nearest(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Node n = nodes.get(p);
            if (n != null) {
                return n;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return root;
    }
}
