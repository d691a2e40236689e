package io.infergate.gateway.route;

import io.infergate.api.model.BackendRef;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A rule's backendRefs, compiled: each ref resolved to a {@link Backend} (or to a {@link BackendChoice.Failed}
 * when it does not resolve) with its weight. Immutable and thread-safe.
 *
 * <p>{@link #choose(RandomGenerator)} picks by weight: a ref of weight {@code w} gets {@code w / sum} of the
 * requests, weight 0 gets none. It never blocks and allocates nothing.
 */
public final class BackendSet {

    /** One backendRef after compilation. */
    public record Option(BackendChoice choice, int weight) {
        public Option {
            Objects.requireNonNull(choice, "choice");
            if (weight < 0) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
            }
        }
    }

    private final List<Option> options;
    private final BackendChoice[] choices;
    // cumulative weights; a zero-weight option repeats its predecessor's bound and so is never selected
    private final int[] upperBounds;
    private final int total;
    private final BackendChoice none;

    private BackendSet(List<Option> options, String owner) {
        this.options = List.copyOf(options);
        this.choices = new BackendChoice[options.size()];
        this.upperBounds = new int[options.size()];
        long sum = 0;
        for (int i = 0; i < options.size(); i++) {
            choices[i] = options.get(i).choice();
            sum += options.get(i).weight();
            if (sum > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "sum of weights: " + sum + " (expected: <= " + Integer.MAX_VALUE + ")");
            }
            upperBounds[i] = (int) sum;
        }
        this.total = (int) sum;
        this.none = options.isEmpty()
                ? new BackendChoice.Failed(BackendChoice.Reason.NO_BACKENDS, owner + " has no backendRefs")
                : new BackendChoice.Failed(
                        BackendChoice.Reason.ALL_WEIGHTS_ZERO, owner + " gives every backendRef weight 0");
    }

    /**
     * A set from already compiled options.
     *
     * @param owner names the rule in failure details, e.g. {@code HTTPRoute default/r rule 0}
     */
    public static BackendSet of(List<Option> options, String owner) {
        return new BackendSet(options, owner);
    }

    /**
     * Compiles backendRefs against the manifests. A ref resolves when it names a declared InferencePool (only
     * if {@code poolsAllowed}) or a declared Service with a port, in the route's own namespace (ReferenceGrant
     * is not supported); anything else becomes {@link BackendChoice.Reason#INVALID_BACKEND}, keeping its weight.
     */
    static BackendSet compile(
            List<BackendRef> refs, ManifestSet set, String routeNamespace, String owner, boolean poolsAllowed) {
        List<Option> out = new ArrayList<>(refs.size());
        for (int i = 0; i < refs.size(); i++) {
            BackendRef ref = refs.get(i);
            out.add(new Option(
                    resolve(ref, List.of(), set, routeNamespace, owner + " backendRefs[" + i + "]", poolsAllowed),
                    ref.weight()));
        }
        return new BackendSet(out, owner);
    }

    /**
     * Compiles an HTTPRoute rule's backendRefs as {@link #compile} does; each resolved backend carries the filters a
     * request sent there gets: the rule's, then its backendRef's own. Concatenated here, once per configuration, so
     * that a request allocates nothing for them.
     */
    static BackendSet compileHttp(HttpRoute.Rule rule, ManifestSet set, String routeNamespace, String owner) {
        List<HttpRoute.Backend> refs = rule.backendRefs();
        List<Option> out = new ArrayList<>(refs.size());
        for (int i = 0; i < refs.size(); i++) {
            HttpRoute.Backend b = refs.get(i);
            List<HttpRoute.Filter> filters = new ArrayList<>(rule.filters());
            filters.addAll(b.filters());
            out.add(new Option(
                    resolve(b.ref(), filters, set, routeNamespace, owner + " backendRefs[" + i + "]", true),
                    b.ref().weight()));
        }
        return new BackendSet(out, owner);
    }

    private static BackendChoice resolve(
            BackendRef ref,
            List<HttpRoute.Filter> filters,
            ManifestSet set,
            String routeNamespace,
            String where,
            boolean poolsAllowed) {
        if (!ref.namespace().equals(routeNamespace)) {
            return invalid(where, "points into namespace " + ref.namespace() + " (ReferenceGrant is not supported)");
        }
        if (poolsAllowed && ref.isInferencePool()) {
            Optional<InferencePool> pool = set.inferencePoolFor(ref.group(), ref.namespace(), ref.name());
            return pool.<BackendChoice>map(p -> new BackendChoice.Picked(
                            new PoolBackend(
                                    p.group(),
                                    p.metadata().namespace(),
                                    p.metadata().name()),
                            filters))
                    .orElseGet(() ->
                            invalid(where, "InferencePool " + ref.namespace() + "/" + ref.name() + " is not declared"));
        }
        if (!ref.isService()) {
            return invalid(where, "kind " + ref.kind() + " of group \"" + ref.group() + "\" is not supported");
        }
        Optional<Service> svc = set.service(ref.namespace(), ref.name());
        if (svc.isEmpty()) {
            return invalid(where, "Service " + ref.namespace() + "/" + ref.name() + " is not declared");
        }
        if (ref.port().isEmpty() || svc.get().port(ref.port().getAsInt()).isEmpty()) {
            return invalid(where, "Service " + ref.name() + " has no port " + ref.port());
        }
        return new BackendChoice.Picked(
                new ServiceBackend(ref.namespace(), ref.name(), ref.port().getAsInt()), filters);
    }

    private static BackendChoice invalid(String where, String why) {
        return new BackendChoice.Failed(BackendChoice.Reason.INVALID_BACKEND, where + ": " + why);
    }

    /**
     * Picks a backend by weight. With a single weighted option the generator is not consulted.
     *
     * @param random the caller's generator (per event loop, or seeded in tests); not shared across threads
     * @return a {@link BackendChoice.Picked}, or a {@link BackendChoice.Failed} when there is nothing to pick or
     *         the picked ref does not resolve
     */
    public BackendChoice choose(RandomGenerator random) {
        if (total == 0) {
            return none;
        }
        int r = upperBounds.length == 1 ? 0 : random.nextInt(total);
        for (int i = 0; i < upperBounds.length; i++) {
            if (r < upperBounds[i]) {
                return choices[i];
            }
        }
        throw new AssertionError("unreachable: " + r + " >= " + total);
    }

    /** The compiled backendRefs in declaration order. */
    public List<Option> options() {
        return options;
    }

    /** The resolved backends in declaration order (weight 0 included), e.g. to prepare upstream pools. */
    public List<Backend> backends() {
        List<Backend> out = new ArrayList<>(options.size());
        for (Option o : options) {
            if (o.choice() instanceof BackendChoice.Picked p && !out.contains(p.backend())) {
                out.add(p.backend());
            }
        }
        return out;
    }

    /** Sum of the weights; 0 when every request gets a 500. */
    public int totalWeight() {
        return total;
    }
}
