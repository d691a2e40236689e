package io.infergate.gateway;

import io.infergate.api.model.PoolFaultLimits;

/**
 * How many forwarded requests of one pool may be retrying on another target at once, as Envoy's retry budgets
 * (https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/cluster/v3/circuit_breaker.proto, {@code
 * RetryBudget}, counted per cluster there and per pool here, {@code gateway/.../proxy/RetryLoads}; a pool's
 * annotations may set its own percent and minimum, {@link #over}): a request may start retrying while fewer than {@code percent} percent of the requests being
 * forwarded, or fewer than {@code minConcurrency}, whichever is more, are retrying. {@code 100} lifts the budget (a
 * request can always start); {@code 0} and {@code 0} forbid moving on to another target at all. Immutable; any
 * thread.
 *
 * @param percent        the share of active requests that may be retrying at once, 0..100 (Envoy's default: 20)
 * @param minConcurrency retries allowed at once whatever the share, >= 0 (Envoy's default: 3)
 * @throws IllegalArgumentException for a value out of range, naming the {@code serve} flag
 */
public record RetryBudget(int percent, int minConcurrency) {

    public static final RetryBudget DEFAULT = new RetryBudget(20, 3);

    public RetryBudget {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("--retry-budget-percent: " + percent + " (expected: 0..100)");
        }
        if (minConcurrency < 0) {
            throw new IllegalArgumentException("--retry-budget-min: " + minConcurrency + " (expected: >= 0)");
        }
    }

    /**
     * This budget with what a pool's annotations set over it ({@code infergate.io/retry-budget-*}); itself when they
     * set nothing, so the usual case makes no copy. The annotations were validated by {@link PoolFaultLimits#of}.
     */
    public RetryBudget over(PoolFaultLimits pool) {
        if (pool.retryBudgetUnset()) {
            return this;
        }
        return new RetryBudget(
                pool.retryBudgetPercent().orElse(percent), pool.retryBudgetMin().orElse(minConcurrency));
    }
}
