package io.infergate.simulator.http;

import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Handles one route. Called on the connection's event loop; must not block. The request (and its body) is
 * valid only during the call: an endpoint that answers later parses what it needs first (or retains it).
 * Throwing {@link ApiException} answers with that error.
 */
@FunctionalInterface
public interface Endpoint {

    void handle(HttpExchange exchange, FullHttpRequest request);
}
