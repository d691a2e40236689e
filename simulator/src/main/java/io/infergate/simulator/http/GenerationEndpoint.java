package io.infergate.simulator.http;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineRequest;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.OutputPlan;
import io.infergate.simulator.engine.RequestObserver;
import io.netty.handler.codec.http.FullHttpRequest;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: parses the request, checks the model
 * and the context window the way vLLM does, decides the output length ({@link OutputPlan}), submits the
 * request to the engine and hands the response over to a {@link GenerationExchange}.
 *
 * <p>Threading: called on event loops; never blocks (submitting only queues a command for the engine
 * thread). Bad input: 400 (JSON, fields, context length, {@code max_tokens}), 404 (unknown model).
 */
final class GenerationEndpoint implements Endpoint {

    private final ServingContext sc;
    private final GenerationRequest.Kind kind;

    GenerationEndpoint(ServingContext sc, GenerationRequest.Kind kind) {
        this.sc = sc;
        this.kind = kind;
    }

    @Override
    public void handle(HttpExchange exchange, FullHttpRequest http) {
        JsonNode body = Json.parse(http.content());
        GenerationRequest request = kind == GenerationRequest.Kind.CHAT
                ? RequestParser.parseChat(body)
                : RequestParser.parseCompletion(body);
        ServedModels models = sc.models();
        if (!models.serves(request.model())) {
            throw new ApiException(ApiError.modelNotFound(request.model()));
        }
        EngineConfig config = sc.engine().config();
        int prompt = request.promptTokens().length;
        int maxModelLen = config.maxModelLen();
        RequestIds.Draw draw = sc.ids().next(kind.idPrefix());
        String adapter = models.adapterFor(request.model());
        if (prompt >= maxModelLen) {
            throw new ApiException(contextLengthError(draw.id(), adapter, request));
        }
        if (request.maxTokens() > 0 && prompt + request.maxTokens() > maxModelLen) {
            throw new ApiException(ApiError.badRequest(
                    "'max_tokens' or 'max_completion_tokens' is too large: "
                            + request.maxTokens() + ". This model's maximum context length is " + maxModelLen
                            + " tokens and your request has " + prompt + " input tokens (" + request.maxTokens() + " > "
                            + maxModelLen + " - " + prompt + "). (parameter=max_tokens, value=" + request.maxTokens()
                            + ")",
                    "max_tokens"));
        }
        OutputPlan plan = OutputPlan.decide(
                request.maxTokens(), request.ignoreEos(), prompt, maxModelLen, config.outputLengths(), draw.random());
        int outputTokens = plan.outputTokens();
        FinishReason reason = plan.reason();
        if (request.minTokens() > outputTokens) {
            // min_tokens suppresses EOS until reached; the cap (max_tokens or context) still applies
            int cap = request.maxTokens() > 0 ? request.maxTokens() : maxModelLen - prompt;
            outputTokens = Math.min(request.minTokens(), cap);
            reason = outputTokens == cap ? FinishReason.LENGTH : FinishReason.STOP;
        }
        String model = request.model() != null ? request.model() : models.baseName();
        OpenAiBodies.Head head = new OpenAiBodies.Head(kind, draw.id(), sc.nowUnixSeconds(), model);
        GenerationExchange responder =
                new GenerationExchange(exchange, sc.runner(), head, request, outputTokens, reason);
        EngineRequest engineRequest = new EngineRequest(
                draw.id(), adapter, request.promptTokens(), outputTokens, reason, request.maxTokens(), responder);
        Submit.submit(sc, engineRequest);
        responder.start();
    }

    /** vLLM's context-length message, as the engine words it. */
    private ApiError contextLengthError(String id, String adapter, GenerationRequest request) {
        try {
            sc.engine()
                    .validate(new EngineRequest(
                            id, adapter, request.promptTokens(), 1, FinishReason.STOP, -1, RequestObserver.NONE));
        } catch (IllegalArgumentException e) {
            return ApiError.badRequest(e.getMessage());
        }
        return ApiError.badRequest(
                "This model's maximum context length is " + sc.engine().config().maxModelLen()
                        + " tokens. However, your request has " + request.promptTokens().length
                        + " input tokens. Please reduce the length of the input messages.");
    }
}
