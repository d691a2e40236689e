package io.infergate.gateway.proxy;

/** What {@link RetryRule#decide} answers for a failed attempt. A closed set of values; any thread. */
sealed interface RetryDecision {

    RetryDecision NEXT_ENDPOINT = new NextEndpoint();
    RetryDecision FRESH_CONNECTION = new FreshConnection();
    RetryDecision NO_RETRY = new NoRetry();

    /** Try the plan's next target (a pooled connection if there is one); its lease replaces the failed one's. */
    record NextEndpoint() implements RetryDecision {}

    /**
     * Try the same target again on a new connection, not counted as an attempt: a pooled connection the server
     * closed just as it was reused says nothing about the endpoint.
     */
    record FreshConnection() implements RetryDecision {}

    /**
     * Stop: before the response started the request is answered with the failure's error (a 5xx is passed
     * through as the model server's own answer); after, the stream is cut.
     */
    record NoRetry() implements RetryDecision {}
}
