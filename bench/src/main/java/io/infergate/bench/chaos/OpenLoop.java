package io.infergate.bench.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Requests at a fixed rate, each on its own virtual thread, started at its scheduled time whatever the others do
 * (open loop: a stalled target is charged for every request due meanwhile). Each request gets its scheduled start
 * and its deadline ({@code start + ttl}) and must return by then; one that does not return within a grace period
 * after its deadline (a bug of the request function, not of the target) is counted as hung and interrupted, so a
 * run always ends.
 *
 * <p>{@link #run} blocks its caller for the schedule plus the last request's TTL at most; instances are stateless.
 */
public final class OpenLoop {

    /** One request: given its index, scheduled start and deadline ({@link System#nanoTime} scale). */
    @FunctionalInterface
    public interface Request {
        Outcome send(int index, long startNanos, long deadlineNanos);
    }

    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private OpenLoop() {}

    /**
     * Sends {@code rate * duration} requests, evenly spaced, and returns their outcomes in schedule order.
     *
     * @throws IllegalArgumentException when the rate is not positive
     */
    public static List<Outcome> run(double rate, Duration duration, Duration ttl, Request request)
            throws InterruptedException {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: > 0)");
        }
        int n = (int) Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
        return run(n, (long) (1e9 / rate), ttl, request);
    }

    /** Sends {@code n} requests {@code intervalNanos} apart (0: all at once) and returns their outcomes in order. */
    public static List<Outcome> run(int n, long intervalNanos, Duration ttl, Request request)
            throws InterruptedException {
        List<Future<Outcome>> futures = new ArrayList<>(n);
        long[] starts = new long[n];
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = t0 + i * intervalNanos;
                for (long left; (left = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(left);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                int index = i;
                starts[i] = due;
                long deadline = due + ttl.toNanos();
                futures.add(threads.submit(() -> request.send(index, due, deadline)));
            }
            List<Outcome> outcomes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Future<Outcome> f = futures.get(i);
                long wait = starts[i] + ttl.toNanos() + GRACE_NANOS - System.nanoTime();
                try {
                    outcomes.add(f.get(Math.max(0, wait), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    f.cancel(true);
                    outcomes.add(new Outcome.Hung(false, System.nanoTime() - starts[i]));
                } catch (ExecutionException e) {
                    outcomes.add(new Outcome.Lost("client error: " + e.getCause(), System.nanoTime() - starts[i]));
                }
            }
            threads.shutdownNow();
            return outcomes;
        }
    }
}
