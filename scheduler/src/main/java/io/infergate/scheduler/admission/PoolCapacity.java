package io.infergate.scheduler.admission;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether a pool can take one more request right now: the gate {@link FlowController} consults before each dispatch
 * (GIE's "ask the saturation detector before each dispatch"). Usually
 * {@link #of(UtilizationSaturationDetector, Supplier) the utilization detector's headroom over the pool's current
 * candidates}.
 *
 * <p>Called on whichever thread enqueues or {@linkplain FlowController#poke pokes} (event loops included), possibly
 * from several at once, and never under the controller's lock. It must be cheap, must not block and should not
 * throw; a {@link RuntimeException} is counted and treated as "no capacity" for that attempt.
 *
 * <p>{@code dispatching} is how many requests the controller has released whose pick has not run yet: no signal
 * shows them, so a check must count them against what the pool can take, or a burst of dispatches between two
 * scrapes would all see the same load and one poke would release the whole queue. Requests that were picked are
 * the signals' business (for example the pool's own in-flight counters, as {@link PoolSignals} folds them in).
 */
@FunctionalInterface
public interface PoolCapacity {

    /**
     * @param priority    the priority of the request the controller would release next: a policy may hold back lower
     *                    priorities where it would still release a higher one (never the reverse, or strict
     *                    priority would stall)
     * @param dispatching requests released by the controller and not yet visible to the pool's signals, >= 0
     */
    boolean hasCapacity(int priority, int dispatching);

    /**
     * Capacity while the pool's {@link UtilizationSaturationDetector#headroom headroom} over {@code candidates}
     * exceeds what is being dispatched; the supplier is called on every check and must return the pool's current
     * candidate signals (an empty list has no headroom: no capacity). The same for every priority.
     */
    static PoolCapacity of(
            UtilizationSaturationDetector detector, Supplier<? extends List<EndpointSignals>> candidates) {
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(candidates, "candidates");
        return (priority, dispatching) -> detector.headroom(candidates.get()) > dispatching;
    }

    /**
     * Capacity while {@code headroom} for the request's priority over the pool's current {@code loads} exceeds what
     * is being dispatched: the full detector headroom for priorities that may use the reserve, less for the others
     * ({@link ReservingHeadroom}). The supplier is called on every check.
     */
    static PoolCapacity of(ReservingHeadroom headroom, Supplier<? extends List<EndpointLoad>> loads) {
        Objects.requireNonNull(headroom, "headroom");
        Objects.requireNonNull(loads, "loads");
        return (priority, dispatching) -> headroom.headroom(priority, loads.get()) > dispatching;
    }
}
