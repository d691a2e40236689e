package io.infergate.scheduler.datastore;

import io.infergate.scheduler.pick.Endpoint;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches one endpoint's metrics page. Implementations must not block the caller: the future completes with the
 * body, or exceptionally (a non-2xx status, a timeout after {@code timeout}, a connection failure) with an
 * exception whose message says what went wrong. The policy lab injects one that answers from simulated engines.
 */
@FunctionalInterface
public interface MetricsFetcher {

    CompletableFuture<byte[]> fetch(Endpoint endpoint, Duration timeout);
}
