/**
 * Non-streaming HTTP load for measuring a proxy's own cost: {@link io.infergate.bench.load.OpenLoopLoad} sends
 * completions open loop (latency from each request's intended send time, so no coordinated omission) or closed
 * loop (saturation throughput), and {@link io.infergate.bench.load.Timeline} shows per second when slow requests
 * happened. Driven by {@code infergate bench http-load}; usually aimed at a gateway in front of
 * {@code io.infergate.bench.stub.StubBackend}.
 *
 * <p>Threading: one Netty event loop owns every connection and a pacer thread schedules sends; the run methods
 * block the calling thread until the run ends and must not be called from an event loop. Depends on Netty and
 * HdrHistogram only.
 */
package io.infergate.bench.load;
