package io.infergate.scheduler.pick;

/**
 * Chooses the endpoints for one request from one pool snapshot. The contract of grpc-java's
 * {@code SubchannelPicker}: called on event-loop threads, concurrently from several of them, it must never
 * block, never wait on I/O or locks, and read only the given snapshot plus lock-free state (such as
 * {@link InFlightTracker}). It must not retain the request.
 *
 * <p>Bad states are results, not exceptions: no ready endpoint is {@link PickResult.Rejected} 503, a request the
 * picker decides to shed is 429. An exception thrown from here is a bug; the data plane answers 500.
 */
@FunctionalInterface
public interface EndpointPicker {

    PickResult pick(PickRequest request, PoolSnapshot pool);
}
