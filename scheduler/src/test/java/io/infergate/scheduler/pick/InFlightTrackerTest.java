package io.infergate.scheduler.pick;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.testing.Patience;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightTrackerTest {

    private static Endpoint endpoint(int i) {
        return Endpoint.of(new PoolEndpoint("p" + i + "-rank-0", "p" + i, "10.0.0." + i, 8000, 0), Map.of());
    }

    @Test
    void countsUntilReleasedAndReleasingTwiceIsANoOp() {
        InFlightTracker tracker = new InFlightTracker();
        Endpoint e = endpoint(1);
        assertThat(tracker.inFlight(e)).isZero();
        Lease a = tracker.acquire(e);
        Lease b = tracker.acquire(e);
        assertThat(tracker.inFlight(e)).isEqualTo(2);

        assertThat(a.release()).isTrue();
        assertThat(a.release()).isFalse();
        a.close();
        assertThat(a.isReleased()).isTrue();
        assertThat(tracker.inFlight(e)).isEqualTo(1);

        b.close();
        assertThat(b.release()).isFalse();
        assertThat(tracker.inFlight(e)).isZero();
    }

    @Test
    void countsByAddressAcrossSnapshots() {
        InFlightTracker tracker = new InFlightTracker();
        tracker.acquire(endpoint(1));
        Endpoint renamed = Endpoint.of(new PoolEndpoint("other-rank-0", "other", "10.0.0.1", 8000, 0), Map.of());
        assertThat(tracker.inFlight(renamed)).isEqualTo(1);
        assertThat(tracker.inFlight(endpoint(2))).isZero();
    }

    @Test
    void retainOnlyForgetsIdleCountersOfRemovedEndpoints() {
        InFlightTracker tracker = new InFlightTracker();
        Lease busy = tracker.acquire(endpoint(1));
        tracker.acquire(endpoint(2)).release();
        tracker.acquire(endpoint(3)).release();
        tracker.retainOnly(Set.of(endpoint(3).hostPort()));
        assertThat(tracker.trackedEndpoints()).isEqualTo(2); // 1 is busy, 3 is retained
        busy.release();
        tracker.retainOnly(Set.of());
        assertThat(tracker.trackedEndpoints()).isZero();
        assertThat(tracker.inFlight(endpoint(1))).isZero();
    }

    @Test
    void neverNegativeUnderConcurrentAcquireAndRelease() throws Exception {
        InFlightTracker tracker = new InFlightTracker();
        List<Endpoint> endpoints = List.of(endpoint(1), endpoint(2), endpoint(3));
        int workers = 8;
        int rounds = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger lowest = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers + 1);
        try {
            Future<?> reader = pool.submit(() -> {
                start.await();
                while (!done.get()) {
                    for (Endpoint e : endpoints) {
                        lowest.accumulateAndGet(tracker.inFlight(e), Math::min);
                    }
                }
                return null;
            });
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int seed = w;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Lease> held = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        held.add(tracker.acquire(endpoints.get((i + seed) % endpoints.size())));
                        if (i % 3 == 2) {
                            // release out of order, some twice (as an error path and a close listener would)
                            for (Lease l : held) {
                                l.release();
                                assertThat(tracker.inFlight(l.endpoint())).isNotNegative();
                                l.release();
                            }
                            held.clear();
                        }
                    }
                    held.forEach(Lease::release);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(Patience.SECONDS, TimeUnit.SECONDS);
            }
            done.set(true);
            reader.get(Patience.SECONDS, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(lowest.get()).isZero();
        for (Endpoint e : endpoints) {
            assertThat(tracker.inFlight(e)).isZero();
        }
    }

    @Test
    void concurrentReleasesOfOneLeaseCountOnce() throws Exception {
        InFlightTracker tracker = new InFlightTracker();
        Endpoint e = endpoint(1);
        tracker.acquire(e); // stays in flight: a double decrement would show as 0
        Lease lease = tracker.acquire(e);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger winners = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    if (lease.release()) {
                        winners.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(Patience.SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(winners.get()).isEqualTo(1);
        assertThat(tracker.inFlight(e)).isEqualTo(1);
    }

    @Test
    void tokensGoBackExactlyOnceHoweverTheRequestEnds() {
        InFlightTracker tracker = new InFlightTracker();
        Endpoint e = endpoint(1);
        Lease streamed = tracker.acquire(e, 100, 20);
        Lease aborted = tracker.acquire(e, 50, 10);
        assertThat(tracker.inFlightTokens(e)).isEqualTo(180);
        assertThat(tracker.prefilling(e)).isEqualTo(2);

        streamed.firstToken(); // prompt prefilled: only the output estimate remains
        streamed.firstToken();
        assertThat(tracker.inFlightTokens(e)).isEqualTo(80);
        assertThat(tracker.prefilling(e)).isEqualTo(1);
        aborted.release(); // ended before its first token: prompt and output go back together
        aborted.firstToken(); // late, after release: no effect
        assertThat(tracker.inFlightTokens(e)).isEqualTo(20);
        assertThat(tracker.prefilling(e)).isZero();
        streamed.release();
        streamed.release();
        assertThat(tracker.inFlightTokens(e)).isZero();
        assertThat(tracker.inFlight(e)).isZero();
        assertThat(tracker.prefilling(e)).isZero();

        Endpoint[] both = {e, endpoint(9)};
        tracker.acquire(e, 5, 5);
        int[] requests = new int[2];
        long[] tokens = new long[2];
        int[] prefilling = new int[2];
        tracker.read(both, requests, tokens, prefilling);
        assertThat(requests).containsExactly(1, 0);
        assertThat(tokens).containsExactly(10, 0);
        assertThat(prefilling).containsExactly(1, 0);
    }

    @Test
    void concurrentFirstTokenAndReleaseNeverDrift() throws Exception {
        InFlightTracker tracker = new InFlightTracker();
        Endpoint e = endpoint(2);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 500; round++) {
                Lease l = tracker.acquire(e, 7, 3);
                CountDownLatch go = new CountDownLatch(1);
                Future<?> a = pool.submit(() -> {
                    go.await();
                    l.firstToken();
                    return null;
                });
                Future<?> b = pool.submit(() -> {
                    go.await();
                    l.release();
                    return null;
                });
                go.countDown();
                a.get(Patience.SECONDS, TimeUnit.SECONDS);
                b.get(Patience.SECONDS, TimeUnit.SECONDS);
                assertThat(tracker.inFlightTokens(e)).isZero();
                assertThat(tracker.prefilling(e)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
