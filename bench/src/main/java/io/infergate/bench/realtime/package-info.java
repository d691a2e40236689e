/**
 * Real-time load against a live target (issue 5): {@link io.infergate.bench.realtime.StreamingLoad} sends a named
 * workload's requests open loop as streamed completions and measures TTFT, inter-token times and end-to-end latency
 * per request on the wall clock, producing the same {@link io.infergate.bench.results.RequestRecord}s the policy lab
 * produces in virtual time, so both are summarized by {@link io.infergate.bench.results.RunSummary} alike;
 * {@link io.infergate.bench.realtime.LoadReportJson} writes the result. Driven by {@code infergate bench load};
 * {@code scripts/bench-proxies.sh} runs it against Infergate, nginx and HAProxy in front of one simulated fleet.
 */
package io.infergate.bench.realtime;
