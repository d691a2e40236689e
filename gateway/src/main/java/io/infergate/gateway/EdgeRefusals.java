package io.infergate.gateway;

import java.util.concurrent.atomic.LongAdder;

/**
 * How often the edge refused a client, by {@link Reason}: the counters behind {@code infergate_edge_refusals_total}.
 * The reasons are a closed set, so the metric has a fixed number of series whatever clients send. One per
 * {@link GatewayServer} (its {@code ProxyRuntime} owns it); counted from event loops and the boss loop, read by the
 * admin loop; thread-safe, never blocks.
 */
public final class EdgeRefusals {

    /** Why a connection or request was refused before it reached routing; {@link #label} is the metric's value. */
    public enum Reason {
        /** The request-header deadline passed ({@code --request-header-timeout}): 408, or the connection closed. */
        HEADER_TIMEOUT("header_timeout"),
        /** A request body paused longer than {@code --body-read-timeout}: 408. */
        BODY_TIMEOUT("body_timeout"),
        /** A connection over its listener's cap ({@code --max-connections}): closed when accepted. */
        TOO_MANY_CONNECTIONS("too_many_connections"),
        /** An HTTP/2 stream over {@code --max-concurrent-streams}: {@code RST_STREAM(REFUSED_STREAM)}. */
        TOO_MANY_STREAMS("too_many_streams"),
        /** Request bodies together over {@code --max-buffered-request-bytes}: 503 {@code gateway_overloaded}. */
        BUFFERED_BYTES("buffered_bytes"),
        /** A body over {@code --max-body-bytes}: 413. */
        BODY_TOO_LARGE("body_too_large"),
        /** A request target the gateway does not forward: 400 {@code invalid_path}. */
        INVALID_PATH("invalid_path"),
        /** HTTP/1.1 without exactly one {@code Host}: 400 {@code invalid_host}. */
        INVALID_HOST("invalid_host"),
        /** A request line, headers or body framing that does not decode, or another HTTP major version: 400. */
        BAD_REQUEST("bad_request");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** The {@code reason} label value. */
        public String label() {
            return label;
        }
    }

    private final LongAdder[] counts = new LongAdder[Reason.values().length];

    public EdgeRefusals() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Counts one refusal. */
    public void refused(Reason reason) {
        counts[reason.ordinal()].increment();
    }

    /** The refusals for {@code reason} so far. */
    public long count(Reason reason) {
        return counts[reason.ordinal()].sum();
    }
}
