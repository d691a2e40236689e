package io.infergate.bench.chaos;

/**
 * How one request of a chaos run ended, as its client saw it. Exactly one per request; {@link ChaosClient} decides
 * which. Values; safe from any thread.
 */
public sealed interface Outcome {

    /** Nanoseconds from the request's scheduled start to its end (or its deadline). */
    long totalNanos();

    /**
     * A 200 answered in full: a stream that ended with {@code data: [DONE]}, or a whole JSON body.
     *
     * @param ttftNanos from the scheduled start to the first data event (the body's end for a non-streamed answer)
     * @param events    data events before {@code [DONE]}
     */
    record Completed(long ttftNanos, long totalNanos, int events) implements Outcome {}

    /**
     * An error the client can act on: a documented status (4xx, or 502/503/504 for upstream and pool conditions) with
     * an OpenAI-style body ({@code {"error": {...}}}), or a stream that ended with such an error event.
     *
     * @param status     the HTTP status (200 for an error event inside a stream)
     * @param code       the body's {@code error.code} or {@code error.type}, {@code ""} when absent
     * @param retryAfter whether the answer had a {@code Retry-After} header
     */
    record Failed(int status, String code, boolean retryAfter, long totalNanos) implements Outcome {}

    /**
     * A defect short of a lost request: any other error answer (a 500, a body that is not OpenAI-style), or a
     * response that started and was cut off (a stream without {@code [DONE]} or an error event, a short body).
     *
     * @param status the HTTP status
     * @param why    what was wrong, for the log
     */
    record Unmapped(int status, String why, long totalNanos) implements Outcome {}

    /**
     * No response at all: the connection was refused, reset or closed before a status line arrived.
     *
     * @param why the exception or condition, for the log
     */
    record Lost(String why, long totalNanos) implements Outcome {}

    /**
     * No end within the request's deadline (its TTL): the client gave up and closed the connection.
     *
     * @param started whether a status line had arrived by then
     */
    record Hung(boolean started, long totalNanos) implements Outcome {}
}
