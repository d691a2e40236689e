/**
 * The engine model: one simulated model server with vLLM V1 semantics (continuous batching in steps,
 * chunked prefill, recompute preemption, a paged KV cache with automatic prefix caching, LoRA slots) timed
 * by a two-regime step-time model with named {@link io.infergate.simulator.engine.Preset presets}.
 *
 * <p>Nothing here reads the system clock or a global random source: time comes from a
 * {@link io.infergate.simulator.time.SimClock} and randomness from a seed, so the same
 * {@link io.infergate.simulator.engine.Engine} runs behind HTTP in real time and inside the policy lab in
 * virtual time. The engine is single-threaded; {@link io.infergate.simulator.engine.EngineMetrics} is the
 * one piece other threads read.
 */
package io.infergate.simulator.engine;
