/**
 * The endpoint picker's latency over ext_proc as Envoy sees it ({@link
 * io.infergate.extproc.bench.PickerLatencyBench}, {@code infergate bench epp}): an open-loop client in the same
 * process plays Envoy's side of the protocol against a real {@link io.infergate.extproc.server.EppServer} on
 * loopback and measures from each request's scheduled time to the last re-sent body chunk. Results are in
 * {@code docs/benchmarks.md}.
 *
 * <p>Threading: a run blocks the calling thread; the client's streams run on gRPC threads and one timer thread.
 * Depends on {@code io.infergate.extproc.server} and HdrHistogram.
 */
package io.infergate.extproc.bench;
