package io.infergate.simulator.time;

import java.time.Instant;

/**
 * Real time: {@link System#nanoTime()} anchored once to the wall clock at construction, so that
 * {@link #unixSeconds(long)} stays monotonic even if the system clock is stepped.
 *
 * <p>Threading: immutable, safe from any thread.
 */
public final class SystemSimClock implements SimClock {

    private static final SystemSimClock INSTANCE = new SystemSimClock();

    private final long anchorNanos;
    private final double anchorUnixSeconds;

    private SystemSimClock() {
        this.anchorNanos = System.nanoTime();
        this.anchorUnixSeconds = Instant.now().toEpochMilli() / 1000.0;
    }

    public static SystemSimClock get() {
        return INSTANCE;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public double unixSeconds(long nanoTime) {
        return anchorUnixSeconds + (nanoTime - anchorNanos) / 1e9;
    }
}
