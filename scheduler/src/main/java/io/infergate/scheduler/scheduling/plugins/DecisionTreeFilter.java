package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import java.util.Objects;

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

    public static final String TYPE = "decision-tree-filter";

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
}
