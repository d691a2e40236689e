package io.infergate.bench.lab;

import io.infergate.api.Manifests;
import io.infergate.api.Problem;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.scheduler.model.PoolModels;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The lab's model resolution, from manifests, resolved exactly as the gateway resolves them: the text is loaded and
 * validated by {@link Manifests} and compiled by the gateway's own {@link GatewayConfig#compile}, and the lab's pool
 * answers with that pool's {@link PoolModels}, the resolver {@code serve} and {@code epp} hand to
 * {@code RequestPipeline}. There is no lab-only shortcut: a run without manifests resolves through an empty catalogue
 * (every model routable, unchanged), and weighted targets draw from the run's seeded generator.
 *
 * <p>The lab's pool is the InferencePool {@value #POOL_NAMESPACE}/{@value #POOL_NAME}
 * ({@code inference.networking.k8s.io/v1}; {@link PolicyLab#POOL}); the lab declares it itself, so manifests given
 * here hold only InferenceModels, InferenceObjectives and InferenceModelRewrites whose {@code poolRef} names it (in
 * namespace {@value #POOL_NAMESPACE}); anything else in them is compiled and ignored. A workload request's priority
 * reaches the resolver as a client's would: the request names, in {@code x-gateway-inference-objective}, the
 * InferenceObjective {@link #objectiveFor} its priority, which the lab declares for every priority of the run (so,
 * as in the gateway, it overrides the criticality of an InferenceModel).
 *
 * <p>Immutable; {@link #compile} may run on any thread (each lab run compiles its own).
 */
public final class LabModels {

    public static final String POOL_NAMESPACE = "lab";
    public static final String POOL_NAME = "sim-pool";

    private static final String POOL_YAML = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: %s, namespace: %s}
            spec:
              selector: {matchLabels: {app: sim}}
              targetPorts: [{number: 8000}]
            """.formatted(POOL_NAME, POOL_NAMESPACE);

    private static final LabModels NONE = new LabModels("(none)", "");

    private final String sourceName;
    private final String yaml;

    private LabModels(String sourceName, String yaml) {
        this.sourceName = sourceName;
        this.yaml = yaml;
    }

    /** No InferenceModels, objectives or rewrites: every model is routed under its own name. */
    public static LabModels none() {
        return NONE;
    }

    /**
     * Manifests to resolve models with, checked now.
     *
     * @param sourceName names the text in problems (a file name)
     * @throws IllegalArgumentException when the text, with the lab's pool, does not load and validate without
     *                                  errors (the message lists each with its line)
     */
    public static LabModels of(String sourceName, String yaml) {
        LabModels m = new LabModels(Objects.requireNonNull(sourceName, "sourceName"), yaml.strip());
        m.compile(List.of());
        return m;
    }

    /** The objective a workload request of {@code priority} names ({@code lab-priority-<p>}, {@code m} for minus). */
    public static String objectiveFor(int priority) {
        return "lab-priority-" + (priority < 0 ? "m" + -(long) priority : Long.toString(priority));
    }

    /**
     * The pool's resolver as the gateway compiles it, with an InferenceObjective {@link #objectiveFor} each of
     * {@code priorities}.
     *
     * @throws IllegalArgumentException when the manifests do not load, validate or compile without errors
     */
    public PoolModels compile(Collection<Integer> priorities) {
        StringBuilder text = new StringBuilder(yaml);
        if (!yaml.isEmpty()) {
            text.append("\n---\n");
        }
        text.append(POOL_YAML);
        for (int p : new TreeSet<>(priorities)) {
            text.append("---\n")
                    .append("apiVersion: inference.networking.x-k8s.io/v1alpha2\n")
                    .append("kind: InferenceObjective\n")
                    .append("metadata: {name: ")
                    .append(objectiveFor(p))
                    .append(", namespace: ")
                    .append(POOL_NAMESPACE)
                    .append("}\n")
                    .append("spec: {priority: ")
                    .append(p)
                    .append(", poolRef: {group: inference.networking.k8s.io, name: ")
                    .append(POOL_NAME)
                    .append("}}\n");
        }
        LoadResult loaded = Manifests.load(sourceName, text.toString());
        if (loaded.hasErrors()) {
            throw new IllegalArgumentException("lab manifests " + sourceName + ": "
                    + loaded.errors().stream().map(Problem::format).collect(Collectors.joining("; ")));
        }
        PoolRuntime pool = GatewayConfig.compile(loaded.manifests()).pool(PolicyLab.POOL);
        if (pool == null) {
            throw new IllegalStateException("the lab's InferencePool " + PolicyLab.POOL + " did not compile");
        }
        return pool.models();
    }

    @Override
    public String toString() {
        return sourceName;
    }
}
