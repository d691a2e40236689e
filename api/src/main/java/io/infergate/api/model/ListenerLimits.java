package io.infergate.api.model;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiConsumer;

/**
 * The client-side limits a Gateway's annotations set for each of its listeners, where a per-listener value makes
 * sense; an absent one leaves the gateway-wide {@code serve} flag in force. Read by {@code serve}
 * ({@code gateway/.../config/ListenerConfig}) and checked by validation, through the one parser {@link #of}, so
 * both refuse the same values with the same words. Immutable.
 *
 * @param maxConnections       {@value #MAX_CONNECTIONS}: open client connections per listener socket
 * @param maxConcurrentStreams {@value #MAX_CONCURRENT_STREAMS}: HTTP/2 streams one client connection may have open
 * @param requestHeaderTimeout {@value #REQUEST_HEADER_TIMEOUT}: how long a client has to send a request's headers
 * @param bodyReadTimeout      {@value #BODY_READ_TIMEOUT}: the longest pause between two reads of a request body
 */
public record ListenerLimits(
        OptionalInt maxConnections,
        OptionalInt maxConcurrentStreams,
        Optional<Duration> requestHeaderTimeout,
        Optional<Duration> bodyReadTimeout) {

    /** A positive integer. */
    public static final String MAX_CONNECTIONS = Gateway.MAX_CONNECTIONS_ANNOTATION;
    /** A positive integer. */
    public static final String MAX_CONCURRENT_STREAMS = "infergate.io/max-concurrent-streams";
    /** A positive Go duration ({@code 10s}). */
    public static final String REQUEST_HEADER_TIMEOUT = "infergate.io/request-header-timeout";
    /** A positive Go duration ({@code 30s}). */
    public static final String BODY_READ_TIMEOUT = "infergate.io/body-read-timeout";

    /** No annotation: every limit is the gateway-wide one. */
    public static final ListenerLimits NONE =
            new ListenerLimits(OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty());

    public ListenerLimits {
        Objects.requireNonNull(maxConnections, "maxConnections");
        Objects.requireNonNull(maxConcurrentStreams, "maxConcurrentStreams");
        Objects.requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
        Objects.requireNonNull(bodyReadTimeout, "bodyReadTimeout");
    }

    /**
     * The limits {@code annotations} set. A value that is not valid is left out and reported to {@code problems}
     * as (annotation name, what is wrong with the value quoted); the caller decides whether that refuses the
     * configuration. Never throws on bad input.
     */
    public static ListenerLimits of(Map<String, String> annotations, BiConsumer<String, String> problems) {
        return new ListenerLimits(
                count(annotations, MAX_CONNECTIONS, "connection cap", problems),
                count(annotations, MAX_CONCURRENT_STREAMS, "stream cap", problems),
                AnnotationDurations.positive(annotations, REQUEST_HEADER_TIMEOUT, "a timeout", problems),
                AnnotationDurations.positive(annotations, BODY_READ_TIMEOUT, "a timeout", problems));
    }

    private static OptionalInt count(
            Map<String, String> annotations, String name, String what, BiConsumer<String, String> problems) {
        String v = annotations.get(name);
        if (v == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1) {
                return OptionalInt.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.accept(name, "\"" + v + "\" is not a " + what + " (expected: a positive integer)");
        return OptionalInt.empty();
    }
}
