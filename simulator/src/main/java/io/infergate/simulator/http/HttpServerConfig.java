package io.infergate.simulator.http;

import java.util.Objects;

/**
 * Connection-level settings of a replica's HTTP server.
 *
 * @param host                 the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param maxBodyBytes         larger request bodies are answered with 413 and the connection is closed
 * @param keepAliveTimeoutMs   an idle keep-alive connection (no request in flight) is closed after this long;
 *                             vLLM's uvicorn closes them after 5 s, which connection pools must cope with
 * @param maxPendingWriteBytes a response that has this much unsent data queued (the client reads slower than
 *                             the engine generates) is aborted and its connection reset, bounding memory
 * @param maxPipelinedRequests pipelined HTTP/1.1 requests queued behind the one being served; more closes
 *                             the connection
 */
public record HttpServerConfig(
        String host, int maxBodyBytes, long keepAliveTimeoutMs, long maxPendingWriteBytes, int maxPipelinedRequests) {

    /** Loopback, 16 MiB bodies, 5 s keep-alive, 8 MiB of unsent output per connection, 16 pipelined requests. */
    public static final HttpServerConfig DEFAULT = new HttpServerConfig("127.0.0.1", 16 << 20, 5_000, 8L << 20, 16);

    public HttpServerConfig {
        Objects.requireNonNull(host, "host");
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: >= 1024)");
        }
        if (keepAliveTimeoutMs < 1) {
            throw new IllegalArgumentException("keepAliveTimeoutMs: " + keepAliveTimeoutMs + " (expected: >= 1)");
        }
        if (maxPendingWriteBytes < 64 * 1024) {
            throw new IllegalArgumentException(
                    "maxPendingWriteBytes: " + maxPendingWriteBytes + " (expected: >= 65536)");
        }
        if (maxPipelinedRequests < 0) {
            throw new IllegalArgumentException("maxPipelinedRequests: " + maxPipelinedRequests + " (expected: >= 0)");
        }
    }

    public HttpServerConfig withHost(String v) {
        return new HttpServerConfig(v, maxBodyBytes, keepAliveTimeoutMs, maxPendingWriteBytes, maxPipelinedRequests);
    }

    public HttpServerConfig withMaxBodyBytes(int v) {
        return new HttpServerConfig(host, v, keepAliveTimeoutMs, maxPendingWriteBytes, maxPipelinedRequests);
    }

    public HttpServerConfig withKeepAliveTimeoutMs(long v) {
        return new HttpServerConfig(host, maxBodyBytes, v, maxPendingWriteBytes, maxPipelinedRequests);
    }

    public HttpServerConfig withMaxPendingWriteBytes(long v) {
        return new HttpServerConfig(host, maxBodyBytes, keepAliveTimeoutMs, v, maxPipelinedRequests);
    }
}
