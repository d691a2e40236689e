package io.infergate.scheduler.pick;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One request counted as in flight on one endpoint ({@link InFlightTracker#acquire}). Release it exactly once
 * when the request ends, however it ends; a second release (say, the error path and the close listener both
 * firing) is a no-op. Thread-safe: any thread may release.
 */
public final class Lease implements AutoCloseable {

    private static final AtomicIntegerFieldUpdater<Lease> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(Lease.class, "released");

    private static final AtomicIntegerFieldUpdater<Lease> PREFILLED =
            AtomicIntegerFieldUpdater.newUpdater(Lease.class, "prefilled");

    private final Endpoint endpoint;
    private final InFlightTracker.Load load;
    private final long promptTokens;
    private final long outputTokens;
    private volatile int released;
    private volatile int prefilled;

    Lease(Endpoint endpoint, InFlightTracker.Load load, long promptTokens, long outputTokens) {
        this.endpoint = endpoint;
        this.load = load;
        this.promptTokens = promptTokens;
        this.outputTokens = outputTokens;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * The first token arrived: the prompt is prefilled, so its tokens no longer load the endpoint. Idempotent, and
     * a no-op after {@link #release()}.
     */
    public void firstToken() {
        if (released == 0 && PREFILLED.compareAndSet(this, 0, 1)) {
            load.tokens.addAndGet(-promptTokens);
            load.prefilling.decrementAndGet();
        }
    }

    /** Ends the count and gives back the tokens still held; returns whether this call did it. */
    public boolean release() {
        if (RELEASED.compareAndSet(this, 0, 1)) {
            boolean wasPrefilling = PREFILLED.compareAndSet(this, 0, 1);
            load.tokens.addAndGet(-(outputTokens + (wasPrefilling ? promptTokens : 0)));
            if (wasPrefilling) {
                load.prefilling.decrementAndGet();
            }
            load.requests.decrementAndGet();
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
