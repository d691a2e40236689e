package io.infergate.gateway;

import io.infergate.api.model.Gateway;
import io.infergate.api.model.ListenerLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * The limits the client side of {@code serve} enforces against slow, greedy or hostile clients, with their defaults
 * and the names that change them: the {@code serve} flag of each and, where a per-listener value makes sense, the
 * Gateway annotation. This record is the one place they are named; {@code docs/reliability.md} ("Limits") lists
 * the same, with what happens at each limit. The request body size limit stays {@link
 * GatewayOptions#maxRequestBodyBytes()} (flag {@value #MAX_BODY_BYTES_FLAG}). The HTTP/2 stream cap, both timeouts
 * and the connection cap can also be set per Gateway by annotation ({@link ListenerLimits}); a connection's values
 * are {@link io.infergate.gateway.config.ListenerGroup#limits}. Immutable.
 *
 * @param maxConcurrentStreams    HTTP/2 streams one client connection may have open at once
 *                                ({@code SETTINGS_MAX_CONCURRENT_STREAMS}); a stream beyond it is refused with
 *                                {@code RST_STREAM(REFUSED_STREAM)}. Default {@value #DEFAULT_MAX_CONCURRENT_STREAMS}
 * @param maxBufferedRequestBytes request body bytes the whole process may hold while bodies are being received; a
 *                                request whose next bytes would pass it gets 503 {@code gateway_overloaded} and its
 *                                connection (HTTP/2: its stream) is closed. Default a quarter of the maximum heap
 * @param requestHeaderTimeout    how long a client has to send a request's headers, counted from the connection's
 *                                accept (TLS handshake included) for the first request and from the first byte of
 *                                each later one; HTTP/2: the connection preface and the first HEADERS. 408 and
 *                                close past it. Default 10 s
 * @param bodyReadTimeout         the longest pause between two reads of a request body; 408 and close past it.
 *                                Default 30 s
 * @param maxConnections          open client connections per listener socket; a connection over it is closed as
 *                                soon as it is accepted. A Gateway's {@value #MAX_CONNECTIONS_ANNOTATION}
 *                                annotation sets it for its listeners (the smallest value wins on a shared port).
 *                                Default {@value #DEFAULT_MAX_CONNECTIONS}
 */
public record EdgeLimits(
        int maxConcurrentStreams,
        long maxBufferedRequestBytes,
        Duration requestHeaderTimeout,
        Duration bodyReadTimeout,
        int maxConnections) {

    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
    public static final Duration DEFAULT_REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** The default buffered-bytes cap is the maximum heap divided by this. */
    public static final int HEAP_FRACTION_FOR_BUFFERED_REQUESTS = 4;

    public static final String MAX_BODY_BYTES_FLAG = "--max-body-bytes";
    public static final String MAX_CONCURRENT_STREAMS_FLAG = "--max-concurrent-streams";
    public static final String MAX_BUFFERED_REQUEST_BYTES_FLAG = "--max-buffered-request-bytes";
    public static final String REQUEST_HEADER_TIMEOUT_FLAG = "--request-header-timeout";
    public static final String BODY_READ_TIMEOUT_FLAG = "--body-read-timeout";
    public static final String MAX_CONNECTIONS_FLAG = "--max-connections";
    /** The Gateway annotation that caps open connections per listener of that Gateway (a positive integer). */
    public static final String MAX_CONNECTIONS_ANNOTATION = Gateway.MAX_CONNECTIONS_ANNOTATION;

    public EdgeLimits {
        Objects.requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
        Objects.requireNonNull(bodyReadTimeout, "bodyReadTimeout");
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams: " + maxConcurrentStreams + " (expected: >= 1)");
        }
        if (maxBufferedRequestBytes < 1) {
            throw new IllegalArgumentException(
                    "maxBufferedRequestBytes: " + maxBufferedRequestBytes + " (expected: >= 1)");
        }
        positive("requestHeaderTimeout", requestHeaderTimeout);
        positive("bodyReadTimeout", bodyReadTimeout);
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
    }

    private static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }

    /** The defaults, the buffered-bytes cap taken from this JVM's maximum heap. */
    public static EdgeLimits defaults() {
        return new EdgeLimits(
                DEFAULT_MAX_CONCURRENT_STREAMS,
                defaultMaxBufferedRequestBytes(),
                DEFAULT_REQUEST_HEADER_TIMEOUT,
                DEFAULT_BODY_READ_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS);
    }

    /** A quarter of the maximum heap: request bodies are heap buffers. */
    public static long defaultMaxBufferedRequestBytes() {
        return Runtime.getRuntime().maxMemory() / HEAP_FRACTION_FOR_BUFFERED_REQUESTS;
    }

    public EdgeLimits withMaxConcurrentStreams(int v) {
        return new EdgeLimits(v, maxBufferedRequestBytes, requestHeaderTimeout, bodyReadTimeout, maxConnections);
    }

    public EdgeLimits withMaxBufferedRequestBytes(long v) {
        return new EdgeLimits(maxConcurrentStreams, v, requestHeaderTimeout, bodyReadTimeout, maxConnections);
    }

    public EdgeLimits withRequestHeaderTimeout(Duration v) {
        return new EdgeLimits(maxConcurrentStreams, maxBufferedRequestBytes, v, bodyReadTimeout, maxConnections);
    }

    public EdgeLimits withBodyReadTimeout(Duration v) {
        return new EdgeLimits(maxConcurrentStreams, maxBufferedRequestBytes, requestHeaderTimeout, v, maxConnections);
    }

    public EdgeLimits withMaxConnections(int v) {
        return new EdgeLimits(maxConcurrentStreams, maxBufferedRequestBytes, requestHeaderTimeout, bodyReadTimeout, v);
    }
}
