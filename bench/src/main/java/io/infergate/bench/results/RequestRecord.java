package io.infergate.bench.results;

import java.util.Objects;

/**
 * What happened to one request of a benchmark run, measured at the client (the lab measures in virtual time, the
 * real-time load generator on the wall clock). Immutable.
 *
 * @param arrivalNanos  when it was sent, from the start of the run
 * @param status        how it ended
 * @param httpStatus    the response status (200 when served; the lab uses 429 for shed and 503 for no endpoint);
 *                      0 when no response arrived (connection failure, timeout)
 * @param priority      the workload priority (negative is sheddable)
 * @param promptTokens  prompt tokens (the server's count when known, else the workload's estimate)
 * @param cachedTokens  prompt tokens served from the prefix cache, or -1 when unknown
 * @param outputTokens  tokens received
 * @param ttftNanos     send to first token, or -1 when no token arrived
 * @param e2eNanos      send to last byte, or -1 when the request did not complete
 * @param endpoint      the endpoint that served it (lab: its index; real time: -1 when unknown)
 */
public record RequestRecord(
        long arrivalNanos,
        Status status,
        int httpStatus,
        int priority,
        int promptTokens,
        int cachedTokens,
        int outputTokens,
        long ttftNanos,
        long e2eNanos,
        int endpoint) {

    /** How a request ended. A policy that wins by shedding must show it, so shed and failed are kept apart. */
    public enum Status {
        /** Served to the end. */
        OK,
        /** Refused by admission control on purpose (429 for a sheddable request, or a flow-control rejection). */
        SHED,
        /** Anything else: no endpoint, an error status, a broken stream, a timeout. */
        FAILED
    }

    public RequestRecord {
        Objects.requireNonNull(status, "status");
        if (status == Status.OK && (ttftNanos < 0 || e2eNanos < ttftNanos || outputTokens < 1)) {
            throw new IllegalArgumentException("an OK record needs 0 <= ttft <= e2e and >= 1 output token: ttft "
                    + ttftNanos + ", e2e " + e2eNanos + ", output " + outputTokens);
        }
    }

    public static RequestRecord ok(
            long arrivalNanos,
            int priority,
            int promptTokens,
            int cachedTokens,
            int outputTokens,
            long ttftNanos,
            long e2eNanos,
            int endpoint) {
        return new RequestRecord(
                arrivalNanos,
                Status.OK,
                200,
                priority,
                promptTokens,
                cachedTokens,
                outputTokens,
                ttftNanos,
                e2eNanos,
                endpoint);
    }

    public static RequestRecord shed(long arrivalNanos, int httpStatus, int priority, int promptTokens) {
        return new RequestRecord(arrivalNanos, Status.SHED, httpStatus, priority, promptTokens, -1, 0, -1, -1, -1);
    }

    public static RequestRecord failed(long arrivalNanos, int httpStatus, int priority, int promptTokens) {
        return new RequestRecord(arrivalNanos, Status.FAILED, httpStatus, priority, promptTokens, -1, 0, -1, -1, -1);
    }

    /**
     * inference-perf's TPOT: {@code (e2e - ttft) / (output - 1)}, in nanoseconds; NaN for a one-token answer or a
     * request that did not complete.
     */
    public double tpotNanos() {
        return status != Status.OK || outputTokens < 2
                ? Double.NaN
                : (e2eNanos - ttftNanos) / (double) (outputTokens - 1);
    }

    /** inference-perf's NTPOT: {@code e2e / output}, in nanoseconds; NaN unless completed. */
    public double ntpotNanos() {
        return status != Status.OK ? Double.NaN : e2eNanos / (double) outputTokens;
    }
}
