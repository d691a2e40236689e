package io.infergate.gateway.proxy;

import io.infergate.gateway.RetryBudget;

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
 * <p><b>Budget.</b> Moving on to another target is also bounded across requests, as Envoy's retry budgets are
 * (https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/cluster/v3/circuit_breaker.proto, {@code
 * RetryBudget}): a request that has not retried yet may start retrying only while the requests retrying right now
 * are fewer than {@code budgetPercent} percent of the requests being forwarded, or fewer than
 * {@code minRetryConcurrency}, whichever allows more. A failing pool then cannot double its own load. A request that
 * already retries keeps its remaining attempts; a fresh connection after a stale keep-alive one is not a retry.
 * The gateway's {@link RetryBudget} ({@code serve --retry-budget-*}) replaces a plan's budget ({@link #withBudget}).
 *
 * @param maxAttempts         upper bound on targets tried for one request, >= 1
 * @param retryServerErrors   whether a 5xx status is retried (the last attempt's 5xx always goes to the client)
 * @param budgetPercent       the share of active requests that may be retrying at once, 0..100
 * @param minRetryConcurrency retries allowed at once whatever the share, >= 0
 */
record RetryRule(int maxAttempts, boolean retryServerErrors, int budgetPercent, int minRetryConcurrency) {

    /** Three targets; connect failures, closes and 5xx statuses retried; Envoy's budget defaults (20 %, at least 3). */
    static final RetryRule DEFAULT = new RetryRule(3, true, 20, 3);

    RetryRule {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
        }
        if (budgetPercent < 0 || budgetPercent > 100) {
            throw new IllegalArgumentException("budgetPercent: " + budgetPercent + " (expected: 0..100)");
        }
        if (minRetryConcurrency < 0) {
            throw new IllegalArgumentException("minRetryConcurrency: " + minRetryConcurrency + " (expected: >= 0)");
        }
    }

    /** A rule with the default budget. */
    RetryRule(int maxAttempts, boolean retryServerErrors) {
        this(maxAttempts, retryServerErrors, DEFAULT.budgetPercent, DEFAULT.minRetryConcurrency);
    }

    /**
     * This rule with the gateway's budget ({@code serve --retry-budget-percent / --retry-budget-min}, or the pool's
     * {@code infergate.io/retry-budget-*} annotations): the budget counts the requests of a pool across the whole
     * gateway ({@link RetryLoads}), so it is the runtime's, whatever rule a plan carries.
     */
    RetryRule withBudget(RetryBudget budget) {
        if (budget.percent() == budgetPercent && budget.minConcurrency() == minRetryConcurrency) {
            return this; // the usual case: no copy per failed attempt
        }
        return new RetryRule(maxAttempts, retryServerErrors, budget.percent(), budget.minConcurrency());
    }

    /** Whether one more request may start retrying while {@code retrying} of {@code active} requests do. */
    boolean budgetAllows(int active, int retrying) {
        return retrying < Math.max(minRetryConcurrency, (int) ((long) active * budgetPercent / 100));
    }

    /** The decision for {@code failure} of the attempt described by {@code state}. */
    RetryDecision decide(AttemptFailure failure, AttemptState state) {
        if (state.responseStarted()) {
            return RetryDecision.NO_RETRY;
        }
        boolean targetLeft = state.attempt() + 1 < Math.min(maxAttempts, state.targets())
                && (state.attempt() > 0 || budgetAllows(state.activeRequests(), state.activeRetries()));
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
