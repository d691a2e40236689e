package io.infergate.simulator.http;

import io.netty.handler.codec.http.HttpMethod;

/**
 * The routes of a replica's OpenAI-compatible server, as vLLM serves them. Inference routes go through the
 * {@link FaultGate}; {@code /health}, {@code /v1/models} and the LoRA routes never fail by injection, and
 * {@code /metrics} has its own fault.
 */
public final class SimRoutes {

    private SimRoutes() {}

    public static SimRouter create(ServingContext sc) {
        LoraEndpoints lora = new LoraEndpoints(sc);
        return SimRouter.builder()
                .add(
                        HttpMethod.POST,
                        "/v1/chat/completions",
                        new FaultGate(sc, new GenerationEndpoint(sc, GenerationRequest.Kind.CHAT)))
                .add(
                        HttpMethod.POST,
                        "/v1/completions",
                        new FaultGate(sc, new GenerationEndpoint(sc, GenerationRequest.Kind.COMPLETION)))
                .add(HttpMethod.POST, "/v1/embeddings", new FaultGate(sc, new EmbeddingsEndpoint(sc)))
                .add(HttpMethod.GET, "/v1/models", new ModelsEndpoint(sc))
                .add(HttpMethod.POST, "/v1/load_lora_adapter", lora.load())
                .add(HttpMethod.POST, "/v1/unload_lora_adapter", lora.unload())
                .add(HttpMethod.GET, "/health", (ex, req) -> ex.respond(HttpResponses.emptyOk()))
                .add(HttpMethod.GET, "/metrics", new MetricsEndpoint(sc))
                .build();
    }
}
