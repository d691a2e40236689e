package io.infergate.testing;

import java.time.Duration;

/**
 * How long a test waits for something that must happen: a server to answer, a future to complete, an informer to
 * deliver, a condition to turn true. Tests run on shared 2-core machines, at times with a load average of 8-12, where
 * a loopback round trip that takes a millisecond when quiet can take seconds; so a wait is a safety net against a
 * hang, never a measure of speed. A passing test waits only as long as the event takes; only a failing one waits the
 * whole time.
 *
 * <p>Awaitility's default {@code atMost} is set to {@link #EVENTUALLY} for every test ({@link PatientAwaitility}), so
 * {@code await().until(...)} needs no bound of its own. Speed is measured by the benchmarks
 * ({@code docs/benchmarks.md}), not by tests.
 */
public final class Patience {

    /** The longest a test waits for an event that must happen. */
    public static final Duration EVENTUALLY = Duration.ofSeconds(60);

    /** {@link #EVENTUALLY} in seconds, for {@code Future.get(long, TimeUnit)} and {@code CountDownLatch.await}. */
    public static final long SECONDS = EVENTUALLY.toSeconds();

    private Patience() {}
}
