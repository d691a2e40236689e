package io.infergate.scheduler.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.testing.Patience;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Many "event loops" enqueue, cancel and finish requests at once while a control-plane thread sweeps and advances
 * time; afterwards every request must have exactly one outcome and the counters must agree with them.
 */
class FlowControllerConcurrencyTest {

    /** The caller's handle: counts its completions and remembers what cancel() said. */
    private static final class Req {
        final AtomicInteger completions = new AtomicInteger();
        final AtomicReference<Outcome> outcome = new AtomicReference<>();
        volatile boolean cancelAccepted;
    }

    @Test
    void concurrentEnqueueCancelAndPokeAccountForEveryRequestExactlyOnce() throws Exception {
        int threads = 4;
        int perThread = 3_000;
        int maxInFlight = 16;
        FakeTicker ticker = new FakeTicker();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicBoolean open = new AtomicBoolean();
        // Capacity: our own in-flight count below a limit, as a concurrency detector would see it.
        PoolCapacity capacity = (priority, dispatching) -> open.get() || inFlight.get() + dispatching < maxInFlight;
        FlowControlConfig config = FlowControlConfig.DEFAULT
                .withMaxRequests(400)
                .withRequestTtl(Duration.ofMillis(50))
                .withBand(-1, BandConfig.DEFAULT.withMaxRequests(100))
                .withBand(1, BandConfig.DEFAULT.withFairness(FairnessPolicy.ROUND_ROBIN));
        FlowController<Req> controller = new FlowController<>(config, capacity, ticker);
        ConcurrentLinkedQueue<Req> running = new ConcurrentLinkedQueue<>();
        List<Req> all = new ArrayList<>();
        Object allLock = new Object();

        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean producersDone = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<?>> producers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                long seed = 42 + w;
                producers.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    List<Req> mine = new ArrayList<>(perThread);
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        Req req = new Req();
                        mine.add(req);
                        FlowKey key = FlowKey.of("tenant-" + random.nextInt(5), random.nextInt(-1, 3));
                        Ticket<Req> t = controller.enqueue(key, random.nextInt(1, 2_000), req, Runnable::run);
                        t.outcome().thenAccept(o -> {
                            req.completions.incrementAndGet();
                            req.outcome.set(o);
                            if (o instanceof Outcome.Dispatched) {
                                inFlight.incrementAndGet();
                                running.add(req);
                            }
                        });
                        int dice = random.nextInt(100);
                        if (dice < 10) {
                            req.cancelAccepted = t.cancel(); // the client went away
                        } else if (dice < 60) {
                            finishOne(running, inFlight, controller); // a response ended on this loop
                        }
                    }
                    synchronized (allLock) {
                        all.addAll(mine);
                    }
                    return null;
                }));
            }
            Future<?> sweeper = pool.submit(() -> {
                start.await();
                while (!producersDone.get()) {
                    ticker.advanceNanos(100_000); // 0.1 ms per round: some requests outlive the 50 ms TTL
                    controller.sweepExpired();
                    finishOne(running, inFlight, controller);
                }
                return null;
            });
            start.countDown();
            for (Future<?> f : producers) {
                f.get(Patience.SECONDS, TimeUnit.SECONDS);
            }
            producersDone.set(true);
            sweeper.get(Patience.SECONDS, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        // Drain what is left, as capacity returning would.
        open.set(true);
        controller.poke();

        assertThat(all).hasSize(threads * perThread);
        Map<Class<?>, Long> tally = new HashMap<>();
        Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
        for (Req req : all) {
            assertThat(req.completions.get()).isEqualTo(1);
            Outcome o = req.outcome.get();
            tally.merge(o.getClass(), 1L, Long::sum);
            if (o instanceof Outcome.Rejected r) {
                rejected.merge(r.reason(), 1L, Long::sum);
            }
            assertThat(o instanceof Outcome.Cancelled).isEqualTo(req.cancelAccepted);
        }
        FlowControlStats s = controller.stats();
        assertThat(s.submitted()).isEqualTo(threads * perThread);
        assertThat(s.queuedRequests()).isZero();
        assertThat(s.queuedBytes()).isZero();
        assertThat(s.bands()).allSatisfy(b -> {
            assertThat(b.queuedRequests()).isZero();
            assertThat(b.flows()).isZero();
        });
        assertThat(s.dispatched()).isEqualTo(tally.getOrDefault(Outcome.Dispatched.class, 0L));
        assertThat(s.expired()).isEqualTo(tally.getOrDefault(Outcome.Expired.class, 0L));
        assertThat(s.cancelled()).isEqualTo(tally.getOrDefault(Outcome.Cancelled.class, 0L));
        for (RejectReason r : RejectReason.values()) {
            assertThat(s.rejected(r)).as("rejected %s", r).isEqualTo(rejected.getOrDefault(r, 0L));
        }
        assertThat(s.dispatched() + s.rejectedTotal() + s.expired() + s.cancelled())
                .isEqualTo(s.submitted());
        // The run must have exercised queueing, not only the fast path.
        assertThat(s.dispatched()).isGreaterThan(s.dispatchedImmediately());
    }

    private static void finishOne(
            ConcurrentLinkedQueue<Req> running, AtomicInteger inFlight, FlowController<Req> controller) {
        if (running.poll() != null) {
            inFlight.decrementAndGet();
            controller.poke();
        }
    }
}
