package io.infergate.scheduler.model;

import io.infergate.api.model.InferenceModel;
import io.infergate.api.model.InferenceObjective;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.PoolRef;
import io.infergate.api.model.Resource;
import io.infergate.scheduler.model.Resolution.Resolved;
import io.infergate.scheduler.model.Resolution.TargetSource;
import io.infergate.scheduler.model.Resolution.UnknownModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Model resolution for one InferencePool, compiled once from a {@link ManifestSet} (rebuild it when the set
 * changes; nothing is re-read per request). It combines the InferenceModels, InferenceObjectives and
 * InferenceModelRewrites that reference the pool (same namespace, {@code poolRef} name <b>and</b> group equal to
 * the pool's); those of other pools are ignored. For InferenceModels only the winners of modelName clashes
 * count ({@link ManifestSet#effectiveInferenceModels()}: the oldest resource wins).
 *
 * <h2>Target model</h2>
 * The first of these that applies chooses the name written into the body:
 * <ol>
 *   <li>an exact InferenceModelRewrite rule matching the incoming name (oldest resource first, then rule
 *       order), weighted random among its targets;</li>
 *   <li>the InferenceModel whose {@code modelName} is the incoming name, if it has {@code targetModels}:
 *       weighted random, or uniform when no weight is set (weights are all-or-none; a set that mixes them
 *       fails validation, and here is treated as uniform);</li>
 *   <li>the generic rewrite rule (empty {@code matches}) of the oldest rewrite that has one;</li>
 *   <li>the {@code x-gateway-model-name-rewrite} header;</li>
 *   <li>the incoming name, unchanged.</li>
 * </ol>
 * A matching rule therefore overrides the header, as the reference EPP does (GIE v1.5.0 {@code
 * pkg/epp/requestcontrol/director.go}). Exact rules come before InferenceModel targets because InferenceModelRewrite is
 * the current traffic-splitting API and an operator who adds an exact rule next to a legacy InferenceModel means it to
 * take over; the InferenceModel still supplies the criticality.
 *
 * <h2>Priority</h2>
 * The InferenceObjective of the pool named by the {@code x-gateway-inference-objective} header (GIE v1 binds
 * objectives per request by {@code metadata.name}, never by model name); unset priority means 0. Without the
 * header, when it names no objective of this pool, or when the pool's {@link ClientObjectives} setting refuses it,
 * the claiming InferenceModel's criticality mapped by {@link Priorities#of}; without one, {@link Priorities#DEFAULT}
 * (0). Negative priority is sheddable. The setting is the pool's {@value ClientObjectives#ANNOTATION} annotation
 * when it has a valid one, else what the caller passes (the transport's flag).
 *
 * <h2>Unknown models</h2>
 * By default (GIE v1) every model name is routable: with no InferenceModel or rule for it, the request goes to
 * the pool unchanged with priority 0. A pool becomes <b>strict</b> (the legacy v1alpha2 catalogue style, as
 * the v0.3.0 EPP answered 404) as soon as at least one InferenceModel references it: then only the
 * {@code modelName}s of its InferenceModels and the names matched by its exact rewrite rules are known, and
 * any other incoming name resolves to {@link UnknownModel}, even when a generic rewrite rule exists (the
 * generic rule then applies to known names only). The v0.5.1 EPP's alternative, a synthetic Sheddable model
 * for unknown names, is not followed.
 *
 * <p>Immutable and thread-safe. {@link #resolve} never blocks and allocates only its result; it is called on
 * event-loop threads with that thread's generator. Header values that are {@code null} or blank count as
 * absent.
 */
public final class PoolModels {

    /** The compiled InferenceModel of one incoming name. {@code targets} is null when it lists none. */
    private record ModelEntry(Optional<InferenceModel> model, int priority, WeightedChoice targets) {}

    private final InferencePool pool;
    private final Map<String, ModelEntry> models;
    private final RewriteRules rules;
    private final Map<String, Optional<InferenceObjective>> objectives;
    private final List<String> incomingModelNames;
    private final Optional<ClientObjectives> clientObjectives;

    private PoolModels(
            InferencePool pool,
            Map<String, ModelEntry> models,
            RewriteRules rules,
            Map<String, Optional<InferenceObjective>> objectives) {
        this.pool = pool;
        // an invalid value is a validation error (PoolSchedulingResolver); tolerated here as absent
        this.clientObjectives =
                ClientObjectives.parse(pool.metadata().annotations().get(ClientObjectives.ANNOTATION));
        this.models = models;
        this.rules = rules;
        this.objectives = objectives;
        Set<String> names = new LinkedHashSet<>(models.keySet());
        names.addAll(rules.exactNames());
        this.incomingModelNames = List.copyOf(names);
    }

    /**
     * Compiles the pool's model configuration. The set should have passed validation; invalid leftovers
     * (a rule without targets, mixed weights) are tolerated as documented above rather than thrown.
     */
    public static PoolModels compile(ManifestSet set, InferencePool pool) {
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(pool, "pool");
        // LinkedHashMap keeps document order for incomingModelNames()
        Map<String, ModelEntry> models = new LinkedHashMap<>();
        for (InferenceModel m : set.effectiveInferenceModels()) {
            if (references(m, m.poolRef(), pool)) {
                models.putIfAbsent(
                        m.modelName(),
                        new ModelEntry(Optional.of(m), Priorities.of(m.effectiveCriticality()), targets(m)));
            }
        }
        List<InferenceObjective> sorted = new ArrayList<>(set.inferenceObjectives());
        sorted.sort(Resource.OLDEST_FIRST);
        Map<String, Optional<InferenceObjective>> objectives = new HashMap<>();
        for (InferenceObjective o : sorted) {
            if (references(o, o.poolRef(), pool)) {
                objectives.putIfAbsent(o.metadata().name(), Optional.of(o));
            }
        }
        return new PoolModels(pool, models, RewriteRules.compile(set.rewritesFor(pool)), Map.copyOf(objectives));
    }

    private static boolean references(Resource owner, PoolRef ref, InferencePool pool) {
        return owner.metadata().namespace().equals(pool.metadata().namespace())
                && ref.name().equals(pool.metadata().name())
                && ref.group().equals(pool.group());
    }

    private static WeightedChoice targets(InferenceModel m) {
        List<InferenceModel.TargetModel> targets = m.targetModels();
        if (targets.isEmpty()) {
            return null;
        }
        List<String> names =
                targets.stream().map(InferenceModel.TargetModel::name).toList();
        if (!targets.stream().allMatch(t -> t.weight().isPresent())) {
            return WeightedChoice.uniform(names);
        }
        return WeightedChoice.of(
                names, targets.stream().mapToLong(t -> t.weight().getAsInt()).toArray());
    }

    /**
     * Resolves one request's model, honouring any objective header of the pool unless the pool's annotation says
     * otherwise (the Inference Extension's behaviour; for callers whose headers come from a trusted component).
     *
     * @param incomingModel   the {@code model} string of the request body
     * @param rewriteHeader   the {@code x-gateway-model-name-rewrite} value, or null
     * @param objectiveHeader the {@code x-gateway-inference-objective} value, or null
     * @param random          the calling thread's generator; drawn from only when a weighted choice has more
     *                        than one target
     */
    public Resolution resolve(
            String incomingModel, String rewriteHeader, String objectiveHeader, RandomGenerator random) {
        return resolve(incomingModel, rewriteHeader, objectiveHeader, ClientObjectives.ANY, random);
    }

    /**
     * Resolves one request's model.
     *
     * @param incomingModel    the {@code model} string of the request body
     * @param rewriteHeader    the {@code x-gateway-model-name-rewrite} value, or null
     * @param objectiveHeader  the {@code x-gateway-inference-objective} value, or null
     * @param clientObjectives whether the objective header may apply, unless the pool's annotation says otherwise
     * @param random           the calling thread's generator; drawn from only when a weighted choice has more
     *                         than one target
     */
    public Resolution resolve(
            String incomingModel,
            String rewriteHeader,
            String objectiveHeader,
            ClientObjectives clientObjectives,
            RandomGenerator random) {
        Objects.requireNonNull(incomingModel, "incomingModel");
        Objects.requireNonNull(clientObjectives, "clientObjectives");
        ModelEntry model = models.get(incomingModel);
        RewriteRules.Rule exact = rules.exact(incomingModel);
        if (model == null && exact == null && isStrict()) {
            return new UnknownModel(
                    incomingModel,
                    "The model `" + incomingModel + "` does not exist in InferencePool "
                            + pool.metadata().namespace() + "/"
                            + pool.metadata().name() + ".");
        }
        int modelPriority = model != null ? model.priority() : Priorities.DEFAULT;
        Optional<InferenceObjective> objective = isAbsent(objectiveHeader)
                ? Optional.empty()
                : objectives.getOrDefault(objectiveHeader, Optional.empty());
        boolean refused = false;
        if (!isAbsent(objectiveHeader) && !allows(objective, modelPriority, clientObjectives)) {
            objective = Optional.empty();
            refused = true;
        }
        int priority = objective.isPresent() ? objective.get().effectivePriority() : modelPriority;
        Optional<InferenceModel> claimed = model != null ? model.model() : Optional.empty();

        if (exact != null) {
            return rewritten(incomingModel, exact, priority, claimed, objective, refused, random);
        }
        if (model != null && model.targets() != null) {
            return new Resolved(
                    incomingModel,
                    model.targets().draw(random),
                    priority,
                    TargetSource.INFERENCE_MODEL,
                    claimed,
                    Optional.empty(),
                    objective,
                    refused);
        }
        if (rules.generic() != null) {
            return rewritten(incomingModel, rules.generic(), priority, claimed, objective, refused, random);
        }
        if (!isAbsent(rewriteHeader)) {
            return new Resolved(
                    incomingModel,
                    rewriteHeader,
                    priority,
                    TargetSource.HEADER,
                    claimed,
                    Optional.empty(),
                    objective,
                    refused);
        }
        return new Resolved(
                incomingModel,
                incomingModel,
                priority,
                TargetSource.INCOMING,
                claimed,
                Optional.empty(),
                objective,
                refused);
    }

    /**
     * Whether a request for {@code incomingModel} may carry the client's {@code objectiveHeader} (blank counts as
     * absent, and absent is always fine), under the pool's setting or else {@code clientObjectives}. For transports
     * that pass the header on instead of resolving the model themselves (an external endpoint picker).
     */
    public boolean allowsObjective(String incomingModel, String objectiveHeader, ClientObjectives clientObjectives) {
        if (isAbsent(objectiveHeader)) {
            return true;
        }
        ModelEntry model = incomingModel == null ? null : models.get(incomingModel);
        return allows(
                objectives.getOrDefault(objectiveHeader, Optional.empty()),
                model != null ? model.priority() : Priorities.DEFAULT,
                clientObjectives);
    }

    private boolean allows(
            Optional<InferenceObjective> objective, int modelPriority, ClientObjectives clientObjectives) {
        ClientObjectives setting = this.clientObjectives.orElse(clientObjectives);
        if (setting == ClientObjectives.ANY) {
            return true; // an objective the pool does not declare then simply has no effect
        }
        return objective.isPresent() && setting.allows(objective.get().effectivePriority(), modelPriority);
    }

    /** The pool's {@value ClientObjectives#ANNOTATION} annotation, when it has a valid one. */
    public Optional<ClientObjectives> clientObjectives() {
        return clientObjectives;
    }

    private static Resolved rewritten(
            String incomingModel,
            RewriteRules.Rule rule,
            int priority,
            Optional<InferenceModel> claimed,
            Optional<InferenceObjective> objective,
            boolean refused,
            RandomGenerator random) {
        return new Resolved(
                incomingModel,
                rule.targets().draw(random),
                priority,
                TargetSource.REWRITE,
                claimed,
                rule.rewrite(),
                objective,
                refused);
    }

    private static boolean isAbsent(String header) {
        return header == null || header.isBlank();
    }

    /** The pool this was compiled for. */
    public InferencePool pool() {
        return pool;
    }

    /** Whether unknown model names resolve to {@link UnknownModel} (some InferenceModel references the pool). */
    public boolean isStrict() {
        return !models.isEmpty();
    }

    /**
     * The incoming model names this pool declares, for {@code GET /v1/models}: the {@code modelName}s of its
     * InferenceModels (document order), then the names its exact rewrite rules match (precedence order),
     * without duplicates. Target names are not listed: clients ask for incoming names. A non-strict pool also
     * routes names not listed here.
     */
    public List<String> incomingModelNames() {
        return incomingModelNames;
    }
}
