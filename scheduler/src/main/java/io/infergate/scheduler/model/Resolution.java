package io.infergate.scheduler.model;

import io.infergate.api.model.InferenceModel;
import io.infergate.api.model.InferenceModelRewrite;
import io.infergate.api.model.InferenceObjective;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link PoolModels#resolve} decided for one request: {@link Resolved} (route it, with this target model
 * and priority) or {@link UnknownModel} (answer 404). A closed set, so callers switch over it exhaustively.
 * Immutable values.
 */
public sealed interface Resolution permits Resolution.Resolved, Resolution.UnknownModel {

    /** Where the target model name came from. */
    enum TargetSource {
        /** An InferenceModelRewrite rule matched the incoming name (exact or generic). */
        REWRITE,
        /** The InferenceModel claiming the incoming name had targetModels. */
        INFERENCE_MODEL,
        /** The {@code x-gateway-model-name-rewrite} header, no rule overriding it. */
        HEADER,
        /** Nothing applied: the incoming name is sent unchanged. */
        INCOMING
    }

    /**
     * Route the request.
     *
     * @param incomingModel  the {@code model} of the request body, restored in the response
     * @param targetModel    the name to write into the body; what scheduling and LoRA affinity use
     * @param priority       higher is more important; negative is sheddable ({@link Priorities})
     * @param targetSource   which input chose {@code targetModel}
     * @param inferenceModel the InferenceModel claiming {@code incomingModel}, if any (also when a rewrite
     *                       chose the target)
     * @param rewrite        the InferenceModelRewrite whose rule chose the target, if any
     * @param objective      the InferenceObjective named by the request header, if it exists in the pool and the
     *                       pool's {@link ClientObjectives} setting let it apply
     * @param objectiveRefused whether the header named an objective that the setting did not let apply (the request
     *                       then has its model's priority); for the transport's debug line and refusal counter
     */
    record Resolved(
            String incomingModel,
            String targetModel,
            int priority,
            TargetSource targetSource,
            Optional<InferenceModel> inferenceModel,
            Optional<InferenceModelRewrite> rewrite,
            Optional<InferenceObjective> objective,
            boolean objectiveRefused)
            implements Resolution {

        /** A resolution in which no objective header was refused. */
        public Resolved(
                String incomingModel,
                String targetModel,
                int priority,
                TargetSource targetSource,
                Optional<InferenceModel> inferenceModel,
                Optional<InferenceModelRewrite> rewrite,
                Optional<InferenceObjective> objective) {
            this(incomingModel, targetModel, priority, targetSource, inferenceModel, rewrite, objective, false);
        }

        public Resolved {
            Objects.requireNonNull(incomingModel, "incomingModel");
            Objects.requireNonNull(targetModel, "targetModel");
            Objects.requireNonNull(targetSource, "targetSource");
            Objects.requireNonNull(inferenceModel, "inferenceModel");
            Objects.requireNonNull(rewrite, "rewrite");
            Objects.requireNonNull(objective, "objective");
        }

        /** Whether admission may shed this request when the pool is saturated ({@code priority < 0}). */
        public boolean sheddable() {
            return Priorities.isSheddable(priority);
        }

        /** Whether the target differs from the incoming name, so the body must be spliced. */
        public boolean rewritten() {
            return !incomingModel.equals(targetModel);
        }

        /** The criticality of the claiming InferenceModel (unset read as Standard), if one claimed the name. */
        public Optional<InferenceModel.Criticality> criticality() {
            return inferenceModel.map(InferenceModel::effectiveCriticality);
        }
    }

    /**
     * The pool does not serve this model: the data plane answers 404 with an OpenAI error body
     * ({@code code: model_not_found}).
     *
     * @param incomingModel the name the client asked for
     * @param message       a sentence for the client, naming the model and the pool
     */
    record UnknownModel(String incomingModel, String message) implements Resolution {
        public UnknownModel {
            Objects.requireNonNull(incomingModel, "incomingModel");
            Objects.requireNonNull(message, "message");
        }
    }
}
