/**
 * The OpenAI-compatible HTTP front of a simulated replica, on Netty (HTTP/1.1, keep-alive, pipelining,
 * chunked SSE), answering as vLLM's OpenAI server does: {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/models}, {@code /v1/load_lora_adapter}, {@code /v1/unload_lora_adapter},
 * {@code /health} and {@code /metrics}.
 *
 * <p>Request flow: {@code ConnectionHandler} (one request at a time per connection) → {@link
 * io.infergate.simulator.http.SimRouter} → the fault gate for inference routes → an endpoint that parses the
 * body, checks the model and context window, and submits to the engine runner → a per-request observer that
 * hops engine events to the connection's event loop and writes chunks as tokens arrive. Client disconnects
 * abort the engine request. Errors use vLLM's current body, {@code {"error": {"message", "type", "param",
 * "code"}}}, built in one place ({@link io.infergate.simulator.http.HttpResponses#error}).
 */
package io.infergate.simulator.http;
