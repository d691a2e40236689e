package io.infergate.scheduler.pick;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One request counted as in flight on one endpoint ({@link InFlightTracker#acquire}). Release it exactly once
 * when the request ends, however it ends; a second release (say, the error path and the close listener both
 * firing) is a no-op. Thread-safe: any thread may release.
 */
public final class Lease implements AutoCloseable {

    private static final AtomicIntegerFieldUpdater<Lease> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(Lease.class, "released");

    private final Endpoint endpoint;
    private final AtomicInteger counter;
    private volatile int released;

    Lease(Endpoint endpoint, AtomicInteger counter) {
        this.endpoint = endpoint;
        this.counter = counter;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Ends the count; returns whether this call did it (false when already released). */
    public boolean release() {
        if (RELEASED.compareAndSet(this, 0, 1)) {
            counter.decrementAndGet();
            return true;
        }
        return false;
    }

    public boolean isReleased() {
        return released != 0;
    }

    /** Same as {@link #release()}. */
    @Override
    public void close() {
        release();
    }
}
