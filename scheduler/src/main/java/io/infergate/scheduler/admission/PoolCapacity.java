package io.infergate.scheduler.admission;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether a pool can take one more request right now: the gate {@link FlowController} consults before each dispatch
 * (GIE's "ask the saturation detector before each dispatch"). Usually
 * {@link #of(UtilizationSaturationDetector, Supplier) the utilization detector over the pool's current candidates}.
 *
 * <p>Called on whichever thread enqueues or {@linkplain FlowController#poke pokes} (event loops included), possibly
 * from several at once, and never under the controller's lock. It must be cheap, must not block and should not
 * throw; a {@link RuntimeException} is counted and treated as "no capacity" for that attempt.
 *
 * <p>It is asked once per dispatch, so a burst of dispatches between two metric scrapes all see the same scraped
 * load: a check that reads only scraped metrics lets one poke release the whole queue. Checks that should react
 * within a scrape interval fold in what was dispatched since (for example the pool's own in-flight counters).
 */
@FunctionalInterface
public interface PoolCapacity {

    boolean hasCapacity();

    /**
     * Capacity while {@code detector} does not find {@code candidates} saturated; the supplier is called on every
     * check and must return the pool's current candidate signals (an empty list means saturated: no capacity).
     */
    static PoolCapacity of(
            UtilizationSaturationDetector detector, Supplier<? extends List<EndpointSignals>> candidates) {
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(candidates, "candidates");
        return () -> !detector.isSaturated(candidates.get());
    }
}
