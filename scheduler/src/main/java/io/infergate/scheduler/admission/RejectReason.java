package io.infergate.scheduler.admission;

/**
 * Why admission refused a request before it was dispatched; each has its HTTP status and a low-cardinality label for
 * counters. The capacity reasons are checked in GIE's order (global bytes, global requests, band bytes, band
 * requests) and the first that fails is reported.
 */
public enum RejectReason {
    /** Queueing the request would exceed the controller-wide {@code maxBytes}. */
    GLOBAL_MAX_BYTES(429, "global_max_bytes"),
    /** Queueing the request would exceed the controller-wide {@code maxRequests}. */
    GLOBAL_MAX_REQUESTS(429, "global_max_requests"),
    /** Queueing the request would exceed its priority band's {@code maxBytes}. */
    BAND_MAX_BYTES(429, "band_max_bytes"),
    /** Queueing the request would exceed its priority band's {@code maxRequests}. */
    BAND_MAX_REQUESTS(429, "band_max_requests"),
    /** Legacy admission: a sheddable request ({@code priority < 0}) while the pool is saturated. */
    SATURATED(429, "saturated"),
    /** The pool's flow controller was closed (pool removed or reconfigured) before the request was dispatched. */
    SHUT_DOWN(503, "shut_down");

    private final int httpStatus;
    private final String label;

    RejectReason(int httpStatus, String label) {
        this.httpStatus = httpStatus;
        this.label = label;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** A metric label value, e.g. {@code band_max_requests}. */
    public String label() {
        return label;
    }

    /** GIE's {@code QueueOutcome} name for the flow-control metrics' {@code outcome} label. */
    String gieOutcome() {
        return this == SHUT_DOWN ? "RejectedOther" : "RejectedCapacity";
    }
}
