/**
 * The simulator's fidelity benchmark ({@code infergate bench fidelity}): replays the published stages of the
 * KubeCon NA 2025 inference-perf runs (vLLM 0.11, Llama-3.1-8B-Instruct, one H100-80GB;
 * {@code kubernetes-sigs/inference-perf}, {@code demos/kubecon-na-2025}) against one simulated engine and compares
 * derived ITL, E2E, TTFT and output throughput stage by stage, plus the TTFT knee.
 *
 * <p>{@link io.infergate.bench.fidelity.PublishedRun} holds the published numbers,
 * {@link io.infergate.bench.fidelity.StageReplay} replays them in virtual time (deterministic, seconds for the
 * whole sweep), {@link io.infergate.bench.fidelity.RealTimeReplay} in real time against a {@code sim} replica over
 * HTTP, and
 * {@link io.infergate.bench.fidelity.FidelityReport} prints the side-by-side table. Everything here runs on the
 * caller's thread (the real-time replay also uses the JDK HTTP client's threads).
 */
package io.infergate.bench.fidelity;
