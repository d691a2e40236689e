package io.infergate.scheduler.admission;

import java.util.Objects;

/**
 * How admission ended for one request: a closed set, so the data plane switches over it exhaustively and maps it to
 * a response in one place. {@link Dispatched} means "go on to scheduling"; the others carry the HTTP status and the
 * message for the OpenAI error body (GIE's mapping: capacity 429, TTL 503, client gone 503). Immutable values.
 */
public sealed interface Outcome permits Outcome.Dispatched, Outcome.Rejected, Outcome.Expired, Outcome.Cancelled {

    /** Dispatched without waiting: the fast path of {@link FlowController}. */
    Dispatched DISPATCHED_IMMEDIATELY = new Dispatched(0);

    /** Time between enqueue and this outcome, in nanoseconds of the controller's ticker; 0 when never queued. */
    long queuedNanos();

    /**
     * GIE's {@code QueueOutcome} name ({@code Dispatched}, {@code RejectedCapacity}, {@code RejectedOther},
     * {@code EvictedTTL}, {@code EvictedContextCancelled}) for the {@code outcome} label of
     * {@code inference_extension_flow_control_request_queue_duration_seconds}.
     */
    String gieOutcome();

    /** Proceed to scheduling. */
    record Dispatched(long queuedNanos) implements Outcome {
        @Override
        public String gieOutcome() {
            return "Dispatched";
        }
    }

    /** Refused: over a queue limit or shed (429), or the controller was closed (503). */
    record Rejected(RejectReason reason, String message, long queuedNanos) implements Outcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }

        public int httpStatus() {
            return reason.httpStatus();
        }

        @Override
        public String gieOutcome() {
            return reason.gieOutcome();
        }
    }

    /** Waited longer than the request TTL: 503. */
    record Expired(long queuedNanos) implements Outcome {
        public int httpStatus() {
            return 503;
        }

        public String message() {
            return "request timed out in the flow-control queue after " + queuedNanos / 1_000_000 + " ms";
        }

        @Override
        public String gieOutcome() {
            return "EvictedTTL";
        }
    }

    /**
     * The caller {@linkplain Ticket#cancel cancelled} while queued (the client went away): 503, which nobody is
     * normally left to read.
     */
    record Cancelled(long queuedNanos) implements Outcome {
        public int httpStatus() {
            return 503;
        }

        public String message() {
            return "client disconnected while queued";
        }

        @Override
        public String gieOutcome() {
            return "EvictedContextCancelled";
        }
    }
}
