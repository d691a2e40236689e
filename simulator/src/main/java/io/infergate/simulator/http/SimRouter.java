package io.infergate.simulator.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Maps method and path (query string ignored) to an {@link Endpoint}. An unknown path gets FastAPI's 404
 * and a known path with another method FastAPI's 405 with {@code allow}, exactly what vLLM's server sends.
 *
 * <p>Built once per replica, then immutable; safe from any thread.
 */
public final class SimRouter {

    private final Map<String, Map<HttpMethod, Endpoint>> routes;

    private SimRouter(Map<String, Map<HttpMethod, Endpoint>> routes) {
        this.routes = routes;
    }

    /** The endpoint for {@code request}; never null (unknown routes get an error-answering endpoint). */
    public Endpoint route(FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        Map<HttpMethod, Endpoint> byMethod = routes.get(path);
        if (byMethod == null) {
            return (ex, req) -> ex.respond(HttpResponses.routeError(ex.alloc(), HttpResponseStatus.NOT_FOUND, null));
        }
        Endpoint e = byMethod.get(request.method());
        if (e == null) {
            String allow = byMethod.keySet().stream().map(HttpMethod::name).collect(Collectors.joining(", "));
            return (ex, req) ->
                    ex.respond(HttpResponses.routeError(ex.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED, allow));
        }
        return e;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects routes; not thread-safe. */
    public static final class Builder {
        private final Map<String, Map<HttpMethod, Endpoint>> routes = new LinkedHashMap<>();

        public Builder add(HttpMethod method, String path, Endpoint endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            Endpoint previous =
                    routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, endpoint);
            if (previous != null) {
                throw new IllegalArgumentException("route: " + method + " " + path + " (expected: registered once)");
            }
            return this;
        }

        public SimRouter build() {
            Map<String, Map<HttpMethod, Endpoint>> copy = new LinkedHashMap<>();
            routes.forEach((p, m) -> copy.put(p, Map.copyOf(m)));
            return new SimRouter(Map.copyOf(copy));
        }
    }
}
