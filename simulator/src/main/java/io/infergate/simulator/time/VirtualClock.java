package io.infergate.simulator.time;

/**
 * A clock that only moves when its owner advances it: the clock of the discrete-event loop.
 *
 * <p>Threading: confined to the thread running the loop; reads from other threads may see a stale value
 * (the field is volatile so they never see a torn one).
 */
public final class VirtualClock implements SimClock {

    private final double epochUnixSeconds;
    private volatile long now;

    /** A clock at virtual time 0 that maps time 0 to {@code epochUnixSeconds}. */
    public VirtualClock(double epochUnixSeconds) {
        this.epochUnixSeconds = epochUnixSeconds;
    }

    /** A clock at time 0 whose wall-clock anchor is 2025-01-01T00:00:00Z, so outputs are reproducible. */
    public VirtualClock() {
        this(1_735_689_600.0);
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public double unixSeconds(long nanoTime) {
        return epochUnixSeconds + nanoTime / 1e9;
    }

    /**
     * Moves the clock to {@code nanos}.
     *
     * @throws IllegalArgumentException if that would move time backwards
     */
    public void advanceTo(long nanos) {
        if (nanos < now) {
            throw new IllegalArgumentException("time: " + nanos + " (expected: >= now " + now + ")");
        }
        now = nanos;
    }
}
