/**
 * The request pipeline shared by every transport. {@link io.infergate.scheduler.pipeline.RequestPipeline} turns a
 * {@link io.infergate.scheduler.pipeline.ParsedRequest} and a {@link io.infergate.scheduler.pipeline.PoolState} into
 * a {@link io.infergate.scheduler.pipeline.Decision} (forward, queued, refuse); {@code serve}, {@code epp} and the
 * policy lab only translate decisions into their wire formats. A pool whose picker is external (or whose picker
 * reference is invalid) gets the same kinds of decision from {@link io.infergate.scheduler.pipeline.PickerAnswers};
 * the endpoint picker protocol's names and endpoint list are {@link io.infergate.scheduler.pipeline.PickerProtocol}.
 * What a request is charged with is
 * {@link io.infergate.scheduler.pipeline.TokenEstimate}; the one refusal table is
 * {@link io.infergate.scheduler.pipeline.ErrorCode}, which {@code serve} renders as HTTP responses with OpenAI
 * error bodies and {@code epp} as ext_proc {@code ImmediateResponse}s.
 */
package io.infergate.scheduler.pipeline;
