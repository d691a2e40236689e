/**
 * Model resolution for InferencePools: which model name a request is sent as and with what priority.
 * {@link io.infergate.scheduler.model.PoolModels} is compiled once per pool from a validated manifest set
 * (InferenceModel, InferenceObjective, InferenceModelRewrite) and answers
 * {@link io.infergate.scheduler.model.PoolModels#resolve} with a sealed
 * {@link io.infergate.scheduler.model.Resolution}: {@code Resolved} (target model, priority, what applied) or
 * {@code UnknownModel} (the data plane's 404). Priorities follow GIE v1: higher first, 0 by default, negative
 * sheddable ({@link io.infergate.scheduler.model.Priorities}).
 *
 * <p>Everything here is immutable after compilation and safe to share between event loops; randomness comes
 * from the caller's generator so that the policy lab can replay decisions.
 */
package io.infergate.scheduler.model;
