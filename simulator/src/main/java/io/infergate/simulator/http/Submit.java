package io.infergate.simulator.http;

import io.infergate.simulator.engine.EngineRequest;

/** Submits to the engine runner, mapping its refusals to API errors. Stateless. */
final class Submit {

    private Submit() {}

    /**
     * @throws ApiException 400 with the engine's message when it rejects the request (context length), 503
     *                      when the replica's engine is shutting down
     */
    static void submit(ServingContext sc, EngineRequest request) {
        try {
            sc.runner().submit(request);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiError.badRequest(e.getMessage()));
        } catch (IllegalStateException e) {
            throw new ApiException(new ApiError(503, "ServiceUnavailableError", "The engine is shutting down.", null));
        }
    }
}
