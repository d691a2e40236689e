package io.infergate.simulator.loop;

import io.infergate.simulator.time.VirtualClock;
import java.util.PriorityQueue;

/**
 * A discrete-event loop: events run in time order (ties in scheduling order) and the {@link VirtualClock}
 * jumps from one event to the next, so simulated minutes take milliseconds and every run with the same
 * inputs is identical.
 *
 * <p>Threading: single-threaded; events are scheduled from the loop's own thread (including from inside
 * events). An event that throws stops {@link #run} with that exception: a simulation bug must not be
 * silently skipped.
 */
public final class DiscreteEventLoop {

    private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final VirtualClock clock;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long nextSeq;
    private long executed;

    public DiscreteEventLoop(VirtualClock clock) {
        this.clock = clock;
    }

    public DiscreteEventLoop() {
        this(new VirtualClock());
    }

    public VirtualClock clock() {
        return clock;
    }

    /** The current virtual time in nanoseconds. */
    public long now() {
        return clock.nanoTime();
    }

    /**
     * Runs {@code action} at virtual time {@code atNanos}.
     *
     * @throws IllegalArgumentException if {@code atNanos} is in the past
     */
    public void schedule(long atNanos, Runnable action) {
        if (atNanos < clock.nanoTime()) {
            throw new IllegalArgumentException(
                    "event time: " + atNanos + " (expected: >= now " + clock.nanoTime() + ")");
        }
        events.add(new Event(atNanos, nextSeq++, action));
    }

    /** Runs {@code action} after {@code delayNanos} (>= 0) of virtual time. */
    public void scheduleAfter(long delayNanos, Runnable action) {
        schedule(clock.nanoTime() + delayNanos, action);
    }

    /** Runs events until none are left. */
    public void run() {
        runUntil(Long.MAX_VALUE);
    }

    /** Runs every event due at or before {@code endNanos}, then leaves the clock at the last event's time. */
    public void runUntil(long endNanos) {
        while (!events.isEmpty() && events.peek().time <= endNanos) {
            Event e = events.poll();
            clock.advanceTo(e.time);
            executed++;
            e.action.run();
        }
    }

    /** Events waiting to run. */
    public int pending() {
        return events.size();
    }

    /** Events run so far. */
    public long executed() {
        return executed;
    }
}
