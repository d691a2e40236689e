package io.infergate.simulator.fault;

/**
 * The faults decided for one inference request, drawn once when it arrives so that a runtime change of the
 * replica's {@link FaultConfig} never affects a request half-way.
 *
 * @param errorStatus       the status to answer with instead of serving, or 0 to serve
 * @param retryAfterSeconds the {@code Retry-After} value for that error, 0 = no header
 * @param latencyNanos      delay before handling the request
 * @param crashAfterChunks  SSE events to write before resetting the connection, or -1 not to crash
 */
public record RequestFaults(int errorStatus, int retryAfterSeconds, long latencyNanos, int crashAfterChunks) {

    /** Serve normally. */
    public static final RequestFaults NONE = new RequestFaults(0, 0, 0, -1);

    public boolean failsWithError() {
        return errorStatus != 0;
    }

    public boolean crashes() {
        return crashAfterChunks >= 0;
    }
}
