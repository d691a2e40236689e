/**
 * What a benchmark run produced, shared by the policy lab (virtual time) and the real-time load generators (wall
 * clock): one {@link io.infergate.bench.results.RequestRecord} per request, their summary
 * {@link io.infergate.bench.results.RunSummary} with inference-perf's metric definitions (TTFT, TPOT, NTPOT,
 * goodput against an {@link io.infergate.bench.results.Slo}; shed and failed requests counted apart), and a
 * {@link io.infergate.bench.results.SweepReport} of many runs for the report writers of
 * {@code io.infergate.bench.report}.
 *
 * <p>Immutable values and pure functions; safe from any thread. Depends on nothing but the JDK.
 */
package io.infergate.bench.results;
