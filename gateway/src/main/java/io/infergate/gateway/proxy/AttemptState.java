package io.infergate.gateway.proxy;

/**
 * Where a request stood when an attempt failed, as {@link RetryRule#decide} sees it. A value; any thread.
 *
 * @param attempt         the failed attempt's index in the plan's targets, from 0 (a retry on a fresh connection to
 *                        the same target keeps the index)
 * @param targets         how many targets the plan has, >= 1
 * @param reusedConnection whether the attempt went out on a pooled keep-alive connection
 * @param responseStarted whether response bytes were already written to the client (nothing can be retried then)
 */
record AttemptState(int attempt, int targets, boolean reusedConnection, boolean responseStarted) {

    AttemptState {
        if (attempt < 0 || targets < 1 || attempt >= targets) {
            throw new IllegalArgumentException("attempt " + attempt + " of " + targets + " targets");
        }
    }
}
