/**
 * The policy lab: routing policies compared on simulated vLLM engines in virtual time. {@link
 * io.infergate.bench.lab.PolicyLab} runs one workload through one {@link io.infergate.bench.lab.LabPolicy} on a
 * {@code io.infergate.simulator.loop.DiscreteEventLoop}, with the gateway's real request scanner, request pipeline,
 * model resolution ({@link io.infergate.bench.lab.LabModels}), datastore, metrics scraper, in-flight tracker and flow
 * controller on the router side, and records one
 * {@link io.infergate.bench.results.RequestRecord} per request. {@link io.infergate.bench.lab.LabSweep} runs many
 * (policy, rate, seed) points; {@link io.infergate.bench.lab.LabPolicies} names the policies: the baselines of
 * {@code io.infergate.bench.lab.policy} and {@link io.infergate.bench.lab.SchedulerPolicy}, the real
 * {@link io.infergate.scheduler.scheduling.Scheduler}. {@link io.infergate.bench.lab.LabRealTimeAgreement} checks
 * the lab against the real gateway on the wall clock.
 *
 * <p>Threading: a run is single-threaded and deterministic (same settings, requests and seed: the same records);
 * a sweep runs independent runs on a few threads. Nothing here reads the system clock except
 * {@code LabRealTimeAgreement}'s real-time side. Depends on {@code scheduler}, {@code simulator} and {@code gateway}
 * (the manifest compile behind model resolution, and the agreement check). The lab calls the gateway's request
 * pipeline ({@code RequestPipeline}) rather than repeating it; see {@code docs/architecture.md}.
 */
package io.infergate.bench.lab;
