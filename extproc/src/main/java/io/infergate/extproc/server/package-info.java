/**
 * The {@code epp} server: the Gateway API Inference Extension's Endpoint Picker protocol over Envoy ext_proc v3
 * (GIE {@code docs/proposals/004-endpoint-picker-protocol/README.md}; {@code docs/epp.md}), a drop-in for the
 * reference picker. {@link io.infergate.extproc.server.EppServer} binds the ext_proc, health and metrics ports
 * (the last is {@code gateway}'s admin server with an {@code EppAdminSource}) and runs the control plane
 * (scraping, flow-control timers, health refresh);
 * {@link io.infergate.extproc.server.EppState} holds the one served pool, compiled as the gateway compiles its
 * pools; {@link io.infergate.extproc.server.ExtProcService} opens one {@link io.infergate.extproc.server.EppStream}
 * per {@code Process} stream, which runs scan, model resolution, splice, subset hint, admission and pick and
 * answers with {@link io.infergate.extproc.server.Messages}. Refusals become {@code ImmediateResponse}s in
 * {@link io.infergate.extproc.server.InferenceError} only.
 *
 * <p>Threading: streams run on gRPC transport threads (direct executor) and never block; a request queued by
 * flow control continues on the thread that dispatches it. {@code EppState} is updated by one control-plane thread
 * and read lock-free. Depends on {@code scheduler}, on {@code gateway}'s pool runtime ({@code PoolRuntime},
 * {@code PoolPickers}, {@code PoolFlowControls}, {@code GatewayMetrics}) and on grpc-java with Envoy's protos.
 * This stream repeats the request path of {@code io.infergate.gateway.proxy.RequestRouter}; see
 * {@code docs/architecture.md}.
 */
package io.infergate.extproc.server;
