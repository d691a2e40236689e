package io.infergate.simulator.http;

import io.infergate.simulator.engine.LoraAdapterException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/load_lora_adapter {"lora_name", "lora_path", "load_inplace"?}} and
 * {@code POST /v1/unload_lora_adapter {"lora_name"}}, answered as vLLM answers them: a plain-text
 * {@code Success: LoRA adapter 'x' added successfully.} / {@code ... removed successfully.}, or an error body:
 * 400 {@code InvalidUserInput} for missing fields or an adapter that is already loaded (unless
 * {@code load_inplace}), 404 {@code NotFoundError} for unloading an unknown adapter (current vLLM; some old
 * releases answered 400), 400 when the engine refuses the name (LoRA disabled, the base model's name).
 *
 * <p>Threading: event loop; the engine applies the change on its thread and the answer hops back.
 */
final class LoraEndpoints {

    private final ServingContext sc;

    LoraEndpoints(ServingContext sc) {
        this.sc = sc;
    }

    Endpoint load() {
        return (exchange, http) -> {
            JsonNode body = requireObject(Json.parse(http.content()));
            String name = RequestParser.optionalString(body, "lora_name");
            String path = RequestParser.optionalString(body, "lora_path");
            if (name == null || name.isEmpty() || path == null || path.isEmpty()) {
                throw new ApiException(invalidInput("Both 'lora_name' and 'lora_path' must be provided."));
            }
            JsonNode inplace = body.get("load_inplace");
            boolean loadInplace = inplace != null && inplace.isBoolean() && inplace.booleanValue();
            String success = "Success: LoRA adapter '" + name + "' added successfully.";
            answer(exchange, sc.models().load(name, path), success, e -> {
                if (e.reason() == LoraAdapterException.Reason.ALREADY_LOADED) {
                    return loadInplace
                            ? null
                            : invalidInput("The lora adapter '" + name + "' has already been loaded."
                                    + " If you want to load the adapter in place, set 'load_inplace' to True.");
                }
                return ApiError.badRequest(e.getMessage());
            });
        };
    }

    Endpoint unload() {
        return (exchange, http) -> {
            JsonNode body = requireObject(Json.parse(http.content()));
            String name = RequestParser.optionalString(body, "lora_name");
            if (name == null || name.isEmpty()) {
                throw new ApiException(invalidInput("'lora_name' needs to be provided to unload a LoRA adapter."));
            }
            answer(
                    exchange,
                    sc.models().unload(name),
                    "Success: LoRA adapter '" + name + "' removed successfully.",
                    e -> e.reason() == LoraAdapterException.Reason.NOT_FOUND
                            ? new ApiError(
                                    404, "NotFoundError", "The lora adapter '" + name + "' cannot be found.", null)
                            : ApiError.badRequest(e.getMessage()));
        };
    }

    /** Maps an engine refusal to an error, or to null meaning "answer with success anyway". */
    private interface Refusal {
        ApiError map(LoraAdapterException e);
    }

    private static void answer(HttpExchange exchange, CompletableFuture<Void> change, String success, Refusal refusal) {
        change.whenComplete((v, failure) -> {
            try {
                exchange.eventLoop().execute(() -> {
                    Throwable cause = failure instanceof CompletionException ce && ce.getCause() != null
                            ? ce.getCause()
                            : failure;
                    ApiError error = null;
                    if (cause instanceof LoraAdapterException e) {
                        error = refusal.map(e);
                    } else if (cause != null) {
                        error = ApiError.internal(String.valueOf(cause.getMessage()));
                    }
                    if (error != null) {
                        exchange.respondError(error);
                    } else {
                        exchange.respond(HttpResponses.text(
                                exchange.alloc(), HttpResponseStatus.OK, HttpResponses.TEXT_PLAIN, success));
                    }
                });
            } catch (RejectedExecutionException e) {
                // the server is shutting down; nobody is left to answer
            }
        });
    }

    private static JsonNode requireObject(JsonNode body) {
        if (!body.isObject()) {
            throw new ApiException(ApiError.badRequest("request body: expected a JSON object"));
        }
        return body;
    }

    private static ApiError invalidInput(String message) {
        return new ApiError(400, "InvalidUserInput", message, null);
    }
}
