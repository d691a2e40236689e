package io.infergate.api.load;

import io.infergate.api.model.ConfigTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML mapping read strictly, like {@code kubectl --validate=strict}: every getter declares its key as
 * accepted, wrong types are reported (and read as absent), and {@link #finish()} reports every key no getter
 * asked for, listing the accepted ones. A {@code null} value counts as absent, as in Kubernetes.
 * Confined to the loading thread.
 */
final class Obj {

    private final MappingNode node;
    private final String path;
    private final DecodeContext ctx;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> accepted = new LinkedHashSet<>();

    private Obj(MappingNode node, String path, DecodeContext ctx) {
        this.node = node;
        this.path = path;
        this.ctx = ctx;
        for (NodeTuple t : node.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                ctx.error(t.getKeyNode(), path, "found a non-scalar key (expected: field names)");
                continue;
            }
            if (entries.putIfAbsent(k.getValue(), t) != null) {
                ctx.error(k, join(path, k.getValue()), "duplicate field \"" + k.getValue() + "\"");
            }
        }
    }

    /** Reads {@code node} as a mapping at {@code path}; reports and returns null when it is not one. */
    static Obj of(Node node, String path, DecodeContext ctx) {
        if (node instanceof MappingNode m) {
            ctx.record(path, node);
            return new Obj(m, path, ctx);
        }
        ctx.error(node, path, "found " + describe(node) + " (expected: an object)");
        return null;
    }

    static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    String path() {
        return path;
    }

    String path(String key) {
        return join(path, key);
    }

    MappingNode node() {
        return node;
    }

    DecodeContext ctx() {
        return ctx;
    }

    boolean has(String key) {
        return raw(key) != null;
    }

    /** The value node of {@code key}, null when absent or null; declares the key accepted. */
    Node raw(String key) {
        accepted.add(key);
        NodeTuple t = entries.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return null;
        }
        ctx.record(path(key), t.getValueNode());
        return t.getValueNode();
    }

    /** Accepts keys whose content Infergate does not read (status, kubectl bookkeeping, a Pod's spec). */
    void ignore(String... keys) {
        Collections.addAll(accepted, keys);
    }

    Optional<String> string(String key) {
        Node n = raw(key);
        return n == null ? Optional.empty() : Optional.ofNullable(asString(n, path(key)));
    }

    /** A required string; reports a missing one and returns "". */
    String requiredString(String key) {
        Node n = raw(key);
        if (n == null) {
            missing(key);
            return "";
        }
        String s = asString(n, path(key));
        return s == null ? "" : s;
    }

    OptionalInt integer(String key) {
        Node n = raw(key);
        return n == null ? OptionalInt.empty() : asInt(n, path(key));
    }

    /** A required int32; reports a missing one and returns empty. */
    OptionalInt requiredInteger(String key) {
        Node n = raw(key);
        if (n == null) {
            missing(key);
            return OptionalInt.empty();
        }
        return asInt(n, path(key));
    }

    Optional<Boolean> bool(String key) {
        Node n = raw(key);
        if (n == null) {
            return Optional.empty();
        }
        if (n instanceof ScalarNode s && Tag.BOOL.equals(n.getTag())) {
            return Optional.of(Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT)));
        }
        ctx.error(n, path(key), "found " + describe(n) + " (expected: a boolean)");
        return Optional.empty();
    }

    /** A nested object, empty when absent or not an object (the latter reported). */
    Optional<Obj> object(String key) {
        Node n = raw(key);
        return n == null ? Optional.empty() : Optional.ofNullable(of(n, path(key), ctx));
    }

    Optional<Obj> requiredObject(String key) {
        if (!has(key)) {
            missing(key);
            return Optional.empty();
        }
        return object(key);
    }

    /** A list of objects; entries that are not objects are reported and skipped. */
    List<Obj> objects(String key) {
        List<Obj> out = new ArrayList<>();
        List<Node> items = sequence(key);
        for (int i = 0; i < items.size(); i++) {
            Obj o = of(items.get(i), path(key) + "[" + i + "]", ctx);
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * A required list of objects with at least one item: reports a missing or empty list (saying what it should
     * hold) and returns the readable items.
     */
    List<Obj> requiredObjects(String key, String expected) {
        if (!has(key)) {
            missing(key);
            return List.of();
        }
        Node n = raw(key);
        if (n instanceof SequenceNode s && s.getValue().isEmpty()) {
            ctx.error(n, path(key), "found 0 items (expected: " + expected + ")");
        }
        return objects(key);
    }

    /** A list of strings; entries of another type are reported and skipped. */
    List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        List<Node> items = sequence(key);
        for (int i = 0; i < items.size(); i++) {
            String itemPath = path(key) + "[" + i + "]";
            ctx.record(itemPath, items.get(i));
            String s = asString(items.get(i), itemPath);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** A string-to-string map (labels, selectors, data), in document order. */
    Map<String, String> stringMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        Node n = raw(key);
        if (n == null) {
            return out;
        }
        if (!(n instanceof MappingNode m)) {
            ctx.error(n, path(key), "found " + describe(n) + " (expected: a map of strings)");
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                ctx.error(t.getKeyNode(), path(key), "found a non-scalar key (expected: strings)");
                continue;
            }
            String entryPath = path(key) + "." + k.getValue();
            ctx.record(entryPath, t.getValueNode());
            String v = isNull(t.getValueNode()) ? "" : asString(t.getValueNode(), entryPath);
            if (v != null && out.putIfAbsent(k.getValue(), v) != null) {
                ctx.error(k, entryPath, "duplicate key \"" + k.getValue() + "\"");
            }
        }
        return out;
    }

    /** A required string map with at least one entry (a selector): reports a missing or empty one. */
    Map<String, String> requiredStringMap(String key, String expected) {
        Node n = raw(key);
        if (n == null) {
            missing(key);
        } else if (n instanceof MappingNode m && m.getValue().isEmpty()) {
            ctx.error(n, path(key), "found no entries (expected: " + expected + ")");
        }
        return stringMap(key);
    }

    /** The elements of a list field, empty when absent or not a list (the latter reported). */
    List<Node> sequence(String key) {
        Node n = raw(key);
        if (n == null) {
            return List.of();
        }
        if (n instanceof SequenceNode s) {
            return s.getValue();
        }
        ctx.error(n, path(key), "found " + describe(n) + " (expected: a list)");
        return List.of();
    }

    /** An enum field: maps the manifest spelling to a value, reporting anything else with the accepted values. */
    <E> Optional<E> enumValue(String key, Map<String, E> values) {
        Optional<String> s = string(key);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        E e = values.get(s.get());
        if (e == null) {
            ctx.error(
                    raw(key),
                    path(key),
                    "unsupported value \"" + s.get() + "\" (expected one of: " + String.join(", ", values.keySet())
                            + ")");
            return Optional.empty();
        }
        return Optional.of(e);
    }

    void missing(String key) {
        ctx.error(node, path(key), "required field is missing");
    }

    /** Reports every key that no getter asked for. Call after all getters. */
    void finish() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!accepted.contains(e.getKey())) {
                ctx.error(
                        e.getValue().getKeyNode(),
                        path(e.getKey()),
                        "unknown field \"" + e.getKey() + "\" (accepted: " + String.join(", ", accepted) + ")");
            }
        }
    }

    private String asString(Node n, String at) {
        if (n instanceof ScalarNode s && Tag.STR.equals(n.getTag())) {
            return s.getValue();
        }
        ctx.error(
                n,
                at,
                "found " + describe(n) + " (expected: a string" + (n instanceof ScalarNode ? "; quote it" : "") + ")");
        return null;
    }

    private OptionalInt asInt(Node n, String at) {
        if (n instanceof ScalarNode s && Tag.INT.equals(n.getTag())) {
            BigInteger v = ConfigTree.Scalar.parseInteger(s.getValue()).orElse(null);
            if (v != null && v.bitLength() < 32) {
                return OptionalInt.of(v.intValue());
            }
            ctx.error(n, at, "integer " + s.getValue() + " is out of range (expected: a 32-bit integer)");
            return OptionalInt.empty();
        }
        ctx.error(n, at, "found " + describe(n) + " (expected: an integer)");
        return OptionalInt.empty();
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode && Tag.NULL.equals(n.getTag());
    }

    /** How a value looks, for "found X (expected: Y)" messages. */
    static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "an object";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) n;
        String v = s.getValue().length() > 40 ? s.getValue().substring(0, 40) + "..." : s.getValue();
        Tag tag = n.getTag();
        if (Tag.INT.equals(tag)) {
            return "integer " + v;
        }
        if (Tag.FLOAT.equals(tag)) {
            return "number " + v;
        }
        if (Tag.BOOL.equals(tag)) {
            return "boolean " + v;
        }
        if (Tag.NULL.equals(tag)) {
            return "null";
        }
        return "string \"" + v + "\"";
    }
}
