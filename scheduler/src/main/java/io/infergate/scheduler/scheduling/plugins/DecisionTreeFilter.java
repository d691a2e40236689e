package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.Severity;
import io.infergate.api.load.Params;
import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import io.infergate.scheduler.scheduling.config.PluginInstance;
import java.util.Objects;
import java.util.Optional;

/**
 * GIE v0.5 {@code decision-tree-filter}: run {@code current}; if it kept something, continue with
 * {@code nextOnSuccess} on what it kept; if it kept nothing, continue with {@code nextOnFailure} on the input
 * unchanged; {@code nextOnSuccessOrFailure} is used for whichever of the two is missing. A node with no next
 * branch ends the walk with what its filter returned: so a failing leaf leaves <em>no</em> candidates and the
 * profile fails, exactly as GIE's {@code DecisionTreeFilter.Filter} returns the leaf's empty result. (The
 * standard trees end in {@code least-kv-cache-filter}, which never empties a non-empty set.)
 *
 * <p>Stateless apart from the tree; thread-safe. See GIE v0.5.1's
 * {@code config/manifests/inferencepool-resources.yaml} and v0.3.0's {@code pkg/epp/scheduling/filter.go}.
 */
public final class DecisionTreeFilter implements SelectingFilter {

    public static final String TYPE = PluginTypes.DECISION_TREE_FILTER;

    /**
     * Reads the tree as GIE v0.5.1 does ({@code filter/decision_tree_filter.go}): {@code current} (required),
     * {@code nextOnSuccess}, {@code nextOnFailure}, {@code nextOnSuccessOrFailure}, each {@code {pluginRef:
     * <filter>}} or {@code {decisionTree: {...}}}; a referenced filter is built through the setup
     * ({@link PluginFactory.Handle#filter}).
     */
    public static final PluginFactory FACTORY = DecisionTreeFilter::create;

    /** One node; {@code current} is a filter (possibly another tree), the branches may be null. */
    public record Node(SelectingFilter current, Node onSuccess, Node onFailure, Node onSuccessOrFailure) {
        public Node {
            Objects.requireNonNull(current, "current");
        }
    }

    private final String name;
    private final Node root;

    public DecisionTreeFilter(String name, Node root) {
        this.name = name;
        this.root = Objects.requireNonNull(root, "root");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String name() {
        return name;
    }

    /** The root of the tree. */
    public Node root() {
        return root;
    }

    @Override
    public void filter(SchedulingContext ctx, Candidates candidates) {
        Node node = root;
        while (node != null) {
            boolean[] keep = node.current().select(ctx, candidates);
            if (SelectingFilter.any(keep, candidates.size())) {
                candidates.retain(keep);
                node = node.onSuccess() != null ? node.onSuccess() : node.onSuccessOrFailure();
            } else {
                node = node.onFailure() != null ? node.onFailure() : node.onSuccessOrFailure();
                if (node == null) {
                    candidates.retain(keep); // a failing leaf: GIE returns its empty result
                }
            }
        }
    }

    @Override
    public boolean[] select(SchedulingContext ctx, Candidates candidates) {
        // as the current filter of another tree: run on a copy, then mark what survived (endpoints are distinct)
        Candidates trial = candidates.copy();
        filter(ctx, trial);
        boolean[] keep = new boolean[candidates.size()];
        int t = 0;
        for (int i = 0; i < candidates.size() && t < trial.size(); i++) {
            if (candidates.endpoint(i) == trial.endpoint(t)) {
                keep[i] = true;
                t++;
            }
        }
        return keep;
    }

    // --- the factory

    private static PluginInstance create(String name, Params p, PluginFactory.Handle h) {
        Node root = node(p, name, h, false);
        return root == null
                ? new PluginInstance.Invalid(name, TYPE)
                : new PluginInstance.Filter(name, TYPE, new DecisionTreeFilter(name, root));
    }

    /**
     * One tree level ({@code current} and its branches), or null when it cannot be built (reported). A nested level
     * reports its own unknown keys; the plugin's top level leaves that to the caller.
     */
    private static Node node(Params p, String name, PluginFactory.Handle h, boolean nested) {
        boolean ok = true;
        SelectingFilter current = null;
        if (!p.has("current")) {
            p.error(
                    "current",
                    "missing (expected: the filter to run first, {pluginRef: <filter>} or" + " {decisionTree: {...}})");
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
        Node[] next = new Node[3];
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
                next[k] = entry.tree != null ? entry.tree : new Node(entry.filter, null, null, null);
            }
        }
        if (nested) {
            p.finish(Severity.WARNING);
        }
        return ok ? new Node(current, next[0], next[1], next[2]) : null;
    }

    /** An entry is either a filter ({@code pluginRef}) or a nested tree ({@code decisionTree}). */
    private record Entry(SelectingFilter filter, Node tree) {}

    private static Entry entry(Params e, String name, PluginFactory.Handle h) {
        boolean ref = e.has("pluginRef");
        boolean tree = e.has("decisionTree");
        Entry out = null;
        if (ref && tree) {
            e.error("decisionTree", "both pluginRef and decisionTree are given (expected: exactly one)");
        } else if (!ref && !tree) {
            e.error(
                    e.tree(),
                    "neither pluginRef nor decisionTree is given (expected: {pluginRef: <filter>} or"
                            + " {decisionTree: {current: ...}})");
        } else if (ref) {
            Optional<String> r = e.string("pluginRef");
            if (r.isPresent()) {
                out = h.filter(r.get(), e, e.tree().get("pluginRef").orElseThrow())
                        .map(f -> new Entry(f, null))
                        .orElse(null);
            }
        } else {
            Optional<Params> t = e.object("decisionTree");
            Node node = t.isEmpty() ? null : node(t.get(), name, h, true);
            out = node == null ? null : new Entry(null, node);
        }
        e.finish(Severity.WARNING);
        return out;
    }
}
