/**
 * The request pipeline shared by every transport: what a request is charged with
 * ({@link io.infergate.scheduler.pipeline.TokenEstimate}) and the one refusal table
 * ({@link io.infergate.scheduler.pipeline.ErrorCode}) that {@code serve} renders as HTTP responses with OpenAI
 * error bodies and {@code epp} as ext_proc {@code ImmediateResponse}s.
 */
package io.infergate.scheduler.pipeline;
