package io.infergate.gateway.proxy;

/**
 * Where a request stood when an attempt failed, as {@link RetryRule#decide} sees it. A value; any thread.
 *
 * @param attempt         the failed attempt's index in the plan's targets, from 0 (a retry on a fresh connection to
 *                        the same target keeps the index)
 * @param targets         how many targets the plan has, >= 1
 * @param reusedConnection whether the attempt went out on a pooled keep-alive connection
 * @param responseStarted whether response bytes were already written to the client (nothing can be retried then)
 * @param activeRequests  requests being forwarded by the gateway right now, this one included
 * @param activeRetries   requests among them that have moved on to another target at least once
 */
record AttemptState(
        int attempt,
        int targets,
        boolean reusedConnection,
        boolean responseStarted,
        int activeRequests,
        int activeRetries) {

    AttemptState {
        if (attempt < 0 || targets < 1 || attempt >= targets) {
            throw new IllegalArgumentException("attempt " + attempt + " of " + targets + " targets");
        }
        if (activeRequests < 0 || activeRetries < 0) {
            throw new IllegalArgumentException(activeRetries + " of " + activeRequests + " active requests retrying");
        }
    }

    /** A request alone in the gateway: the retry budget never binds. */
    AttemptState(int attempt, int targets, boolean reusedConnection, boolean responseStarted) {
        this(attempt, targets, reusedConnection, responseStarted, 1, 0);
    }
}
