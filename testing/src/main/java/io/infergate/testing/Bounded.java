package io.infergate.testing;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs one step of a property or fuzz test with a bound, so a parser stuck in a loop fails the test with the stuck
 * thread's stack instead of hanging the build. The bound is {@link Patience#EVENTUALLY}: a safety net, never a speed
 * check.
 *
 * <p>Threading: callable from any thread; the step runs on one shared daemon thread, so steps run one at a time.
 * An exception the step throws is rethrown unchanged (an {@link Error} or {@link RuntimeException}), so a test can
 * still check which exception type bad input produced.
 */
public final class Bounded {

    private static volatile Thread worker;
    private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bounded-step");
        t.setDaemon(true);
        worker = t;
        return t;
    });

    private Bounded() {}

    /** Runs {@code step} and returns its result, or fails when it has not returned within the bound. */
    public static <T> T call(Supplier<T> step) {
        Future<T> f = RUNNER.submit(step::get);
        try {
            return f.get(Patience.SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a bounded step", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new AssertionError(cause);
        } catch (TimeoutException e) {
            AssertionError hang = new AssertionError("step did not end within " + Patience.EVENTUALLY);
            Thread stuck = worker;
            if (stuck != null) {
                // where the step is stuck is what the failure has to show
                hang.setStackTrace(stuck.getStackTrace());
            }
            f.cancel(true);
            throw hang;
        }
    }

    /** {@link #call} for a step without a result. */
    public static void run(Runnable step) {
        call(() -> {
            step.run();
            return null;
        });
    }
}
