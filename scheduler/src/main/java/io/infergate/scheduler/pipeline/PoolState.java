package io.infergate.scheduler.pipeline;

import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.model.Resolution;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.util.random.RandomGenerator;

/**
 * What {@link RequestPipeline} needs of one InferencePool: how it resolves model names, its ready endpoints, its
 * endpoint picker and its flow-control queue. Each transport adapts its own pool runtime to it ({@code serve}'s and
 * {@code epp}'s compiled pool, the policy lab's simulated fleet).
 *
 * <p>Called on the thread that runs the pipeline (an event loop, a gRPC thread, the lab's loop), and {@link #picker}
 * again on the thread that dispatches a queued request; no method may block.
 */
public interface PoolState {

    /**
     * The pool's answer for a body's {@code model}: its InferenceModels, InferenceObjectives and
     * InferenceModelRewrites applied ({@code PoolModels.resolve}).
     *
     * @param rewriteHeader   the {@code x-gateway-model-name-rewrite} header, or null
     * @param objectiveHeader the {@code x-gateway-inference-objective} header, or null
     * @param random          for weighted target models
     */
    Resolution resolve(String incomingModel, String rewriteHeader, String objectiveHeader, RandomGenerator random);

    /**
     * The pool's ready endpoints as of now: asked when the request is decided and again when a queued request is
     * dispatched, so it must follow reloads (the current configuration's pool, not the one a request was queued
     * with).
     */
    PoolSnapshot snapshot();

    /** The picker that ranks the endpoints; asked when the request may go (after any wait in flow control). */
    EndpointPicker picker();

    /** The pool's flow-control queue, or null when requests go to the picker at once. */
    FlowController<Object> flowControl();
}
