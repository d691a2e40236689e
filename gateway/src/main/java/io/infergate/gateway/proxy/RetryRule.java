package io.infergate.gateway.proxy;

/**
 * When a failed upstream attempt is tried again, as a value: built once per configuration (today the one
 * {@link #DEFAULT}; an HTTPRoute {@code retry} stanza would build another) and asked by each exchange with
 * {@link #decide}. Immutable; any thread; {@link #decide} never blocks and never throws.
 *
 * <p>The rule: nothing is retried once a response byte reached the client, nor after an idle timeout (the model
 * server may still be working on the request). A close (or failed write, or undecodable response) on a reused
 * keep-alive connection is retried on a fresh connection to the same target: the server may have closed the idle
 * connection just as it was reused; a fresh connection is never reused, so this happens at most once per target.
 * Otherwise a failed connect, a close, or (with {@code retryServerErrors}) a 5xx moves on to the plan's next target
 * while fewer than {@code maxAttempts} targets were tried.
 *
 * @param maxAttempts       upper bound on targets tried for one request, >= 1
 * @param retryServerErrors whether a 5xx status is retried (the last attempt's 5xx always goes to the client)
 */
record RetryRule(int maxAttempts, boolean retryServerErrors) {

    /** Three targets; connect failures, closes and 5xx statuses retried. */
    static final RetryRule DEFAULT = new RetryRule(3, true);

    RetryRule {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
        }
    }

    /** The decision for {@code failure} of the attempt described by {@code state}. */
    RetryDecision decide(AttemptFailure failure, AttemptState state) {
        if (state.responseStarted()) {
            return RetryDecision.NO_RETRY;
        }
        boolean targetLeft = state.attempt() + 1 < Math.min(maxAttempts, state.targets());
        return switch (failure) {
            case AttemptFailure.Idle idle -> RetryDecision.NO_RETRY;
            case AttemptFailure.Closed closed when state.reusedConnection() -> RetryDecision.FRESH_CONNECTION;
            case AttemptFailure.ServerError error when !retryServerErrors -> RetryDecision.NO_RETRY;
            case AttemptFailure.ConnectFailed c -> next(targetLeft);
            case AttemptFailure.Closed c -> next(targetLeft);
            case AttemptFailure.ServerError e -> next(targetLeft);
        };
    }

    private static RetryDecision next(boolean targetLeft) {
        return targetLeft ? RetryDecision.NEXT_ENDPOINT : RetryDecision.NO_RETRY;
    }
}
