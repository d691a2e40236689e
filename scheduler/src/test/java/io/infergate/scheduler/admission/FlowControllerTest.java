package io.infergate.scheduler.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.testing.Patience;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlowControllerTest {

    private static final Executor DIRECT = Runnable::run;

    /** Capacity under test control: open, closed, or open for a number of dispatches. */
    private static final class Gate implements PoolCapacity {
        private int permits;
        int checks;

        @Override
        public boolean hasCapacity(int priority, int dispatching) {
            checks++;
            if (permits == Integer.MAX_VALUE) {
                return true;
            }
            if (permits > 0) {
                permits--;
                return true;
            }
            return false;
        }

        void open() {
            permits = Integer.MAX_VALUE;
        }

        void close() {
            permits = 0;
        }

        void allow(int n) {
            permits = n;
        }
    }

    private final FakeTicker ticker = new FakeTicker();
    private final Gate gate = new Gate();
    /** Names of requests in the order their Dispatched outcome arrived. */
    private final List<String> dispatchOrder = new ArrayList<>();

    private FlowController<String> controller;

    @AfterEach
    void allAccountedFor() {
        if (controller != null) {
            FlowControlStats s = controller.stats();
            assertThat(s.dispatched() + s.rejectedTotal() + s.expired() + s.cancelled() + s.queuedRequests())
                    .isEqualTo(s.submitted());
        }
    }

    private FlowController<String> controller(FlowControlConfig config) {
        controller = new FlowController<>(config, gate, ticker);
        return controller;
    }

    private Ticket<String> enqueue(String name, String fairnessId, int priority) {
        return enqueue(name, fairnessId, priority, 100);
    }

    private Ticket<String> enqueue(String name, String fairnessId, int priority, long bytes) {
        Ticket<String> t = controller.enqueue(new FlowKey(fairnessId, priority), bytes, name, DIRECT);
        t.outcome().thenAccept(o -> {
            if (o instanceof Outcome.Dispatched) {
                dispatchOrder.add(t.request());
            }
        });
        return t;
    }

    private static Outcome outcomeNow(Ticket<?> t) {
        assertThat(t.isDone()).as("outcome of %s complete", t.request()).isTrue();
        return t.outcome().toCompletableFuture().join();
    }

    /** Releases queued requests one dispatch at a time, returning the order. */
    private List<String> releaseOneByOne() {
        while (controller.queuedRequests() > 0) {
            gate.allow(1);
            controller.poke();
        }
        return dispatchOrder;
    }

    @Test
    void fastPathDispatchesAtOnceWithoutTheExecutor() {
        controller(FlowControlConfig.DEFAULT);
        gate.open();
        RecordingExecutor loop = new RecordingExecutor();
        Ticket<String> t = controller.enqueue(FlowKey.of(null, 0), 10, "a", loop);
        assertThat(outcomeNow(t)).isSameAs(Outcome.DISPATCHED_IMMEDIATELY);
        assertThat(loop.submitted()).isZero();
        assertThat(t.cancel()).isFalse();
        FlowControlStats s = controller.stats();
        assertThat(s.dispatched()).isEqualTo(1);
        assertThat(s.dispatchedImmediately()).isEqualTo(1);
        assertThat(s.queuedRequests()).isZero();
    }

    @Test
    void aDipInTheScrapedLoadReleasesOnlyWhatThePoolCanTakeNotTheWholeQueue() {
        // two endpoints as the last scrape saw them, plus the requests leased since (what PoolSignals folds in)
        int[] scrapedWaiting = {5, 5}; // saturated: queue threshold 5 each
        int[] leased = {0, 0};
        UtilizationSaturationDetector detector = UtilizationSaturationDetector.withDefaults();
        controller = new FlowController<>(
                FlowControlConfig.DEFAULT,
                PoolCapacity.of(
                        detector,
                        () -> List.of(
                                EndpointSignals.of(0, scrapedWaiting[0] + leased[0], 0.1),
                                EndpointSignals.of(0, scrapedWaiting[1] + leased[1], 0.1))),
                ticker);
        RecordingExecutor loop = new RecordingExecutor(); // the event loop: outcomes wait for it to run
        int[] picks = {0};
        for (int i = 0; i < 30; i++) {
            controller
                    .enqueue(FlowKey.of(null, 0), 10, "r" + i, loop)
                    .outcome()
                    .thenAccept(o -> leased[picks[0]++ % 2]++); // the pick leases, alternating endpoints
        }
        assertThat(controller.queuedRequests()).isEqualTo(30);

        scrapedWaiting[0] = 0; // a scrape shows both queues drained: room for 5 + 5
        scrapedWaiting[1] = 0;
        controller.poke();
        assertThat(controller.queuedRequests()).isEqualTo(20); // 10 released, not 30
        assertThat(controller.dispatching()).isEqualTo(10);

        loop.runAll(); // the picks run and lease; no new scrape yet: both endpoints are full, nothing more goes
        assertThat(leased).containsExactly(5, 5);
        assertThat(controller.dispatching()).isZero();
        assertThat(controller.queuedRequests()).isEqualTo(20);
        assertThat(loop.pending()).isZero();

        scrapedWaiting[0] = -3; // a scrape: endpoint 0 started three of ours (5 leased, 2 still waiting)
        controller.poke();
        assertThat(controller.queuedRequests()).isEqualTo(17);
    }

    @Test
    void saturationHoldsDispatchAndPokeReleasesIt() {
        controller(FlowControlConfig.DEFAULT);
        RecordingExecutor loop = new RecordingExecutor();
        List<Ticket<String>> tickets = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            tickets.add(controller.enqueue(FlowKey.of(null, 0), 10, name, loop));
            ticker.advance(Duration.ofMillis(5));
        }
        assertThat(tickets).noneMatch(Ticket::isDone);
        controller.poke();
        assertThat(controller.queuedRequests()).isEqualTo(3);
        assertThat(loop.submitted()).isZero();

        gate.allow(2); // room for two: the third stays at the head
        controller.poke();
        assertThat(controller.queuedRequests()).isEqualTo(1);
        // Decided, but completed only by the executor (the request's event loop).
        assertThat(loop.pending()).isEqualTo(2);
        assertThat(tickets.get(0).isDone()).isFalse();
        loop.runAll();
        assertThat(outcomeNow(tickets.get(0)))
                .isEqualTo(new Outcome.Dispatched(Duration.ofMillis(15).toNanos()));
        assertThat(outcomeNow(tickets.get(1)))
                .isEqualTo(new Outcome.Dispatched(Duration.ofMillis(10).toNanos()));
        assertThat(tickets.get(2).isDone()).isFalse();

        gate.open();
        controller.poke();
        loop.runAll();
        assertThat(outcomeNow(tickets.get(2))).isInstanceOf(Outcome.Dispatched.class);
        assertThat(controller.stats().dispatchedImmediately()).isZero();
        assertThat(controller.stats().dispatched()).isEqualTo(3);
    }

    @Test
    void enqueueWhileSomethingIsQueuedQueuesBehindItEvenWithCapacity() {
        controller(FlowControlConfig.DEFAULT);
        Ticket<String> first = enqueue("first", "t", 0);
        assertThat(first.isDone()).isFalse();
        gate.open();
        Ticket<String> second = enqueue("second", "t", 0); // its own poke dispatches both, in order
        assertThat(dispatchOrder).containsExactly("first", "second");
        assertThat(outcomeNow(second)).isInstanceOf(Outcome.Dispatched.class);
        assertThat(controller.stats().dispatchedImmediately()).isZero();
    }

    @Test
    void strictPriorityAcrossBandsWithBandsCreatedOnDemand() {
        controller(FlowControlConfig.DEFAULT.withBand(1, BandConfig.DEFAULT));
        assertThat(controller.stats().bands())
                .extracting(FlowControlStats.BandStats::priority)
                .containsExactly(1);
        enqueue("sheddable", "t", -1);
        enqueue("standard-1", "t", 0);
        enqueue("critical", "t", 1);
        enqueue("standard-2", "t", 0);
        enqueue("urgent", "t", 5);
        assertThat(controller.stats().bands())
                .extracting(FlowControlStats.BandStats::priority)
                .containsExactly(5, 1, 0, -1);
        assertThat(controller.stats().band(0).queuedRequests()).isEqualTo(2);

        assertThat(releaseOneByOne()).containsExactly("urgent", "critical", "standard-1", "standard-2", "sheddable");
    }

    @Test
    void capacityIsAskedForTheHeadsPrioritySoALowerOneWaitsWhereAHigherOneIsReleased() {
        List<Integer> asked = new ArrayList<>();
        controller = new FlowController<>(
                FlowControlConfig.DEFAULT,
                (priority, dispatching) -> {
                    asked.add(priority);
                    return priority > 0; // room kept for Critical only
                },
                ticker);
        Ticket<String> standard = enqueue("standard", "t", 0);
        Ticket<String> critical = enqueue("critical", "t", 1);
        assertThat(outcomeNow(critical)).isInstanceOf(Outcome.Dispatched.class);
        assertThat(standard.isDone()).isFalse();
        assertThat(asked).contains(0, 1);
        assertThat(controller.queuedRequests()).isEqualTo(1);
        standard.cancel();
    }

    @Test
    void aHeldHeadIsNotOvertakenByLowerPriorities() {
        controller(FlowControlConfig.DEFAULT);
        enqueue("low", "t", -1);
        enqueue("high", "t", 2);
        gate.allow(1);
        controller.poke();
        assertThat(dispatchOrder).containsExactly("high");
        enqueue("high-2", "t", 2);
        gate.allow(1);
        controller.poke();
        assertThat(dispatchOrder).containsExactly("high", "high-2");
    }

    @Test
    void firstComeFirstServedWithinAFlow() {
        controller(FlowControlConfig.DEFAULT);
        for (int i = 0; i < 10; i++) {
            enqueue("r" + i, "tenant", 0);
        }
        gate.open();
        controller.poke();
        assertThat(dispatchOrder).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
    }

    @Test
    void globalStrictServesTheOldestHeadAcrossFlows() {
        controller(FlowControlConfig.DEFAULT);
        enqueue("a1", "a", 0);
        enqueue("b1", "b", 0);
        enqueue("a2", "a", 0);
        enqueue("a3", "a", 0);
        enqueue("b2", "b", 0);
        assertThat(controller.stats().band(0).flows()).isEqualTo(2);
        // One FIFO across flows: no isolation, a busy tenant delays the other.
        assertThat(releaseOneByOne()).containsExactly("a1", "b1", "a2", "a3", "b2");
        assertThat(controller.stats().band(0).flows()).isZero();
    }

    @Test
    void roundRobinAlternatesBetweenFlowsInFairnessIdOrder() {
        controller(
                FlowControlConfig.DEFAULT.withDefaultBand(BandConfig.DEFAULT.withFairness(FairnessPolicy.ROUND_ROBIN)));
        enqueue("a1", "a", 0);
        enqueue("a2", "a", 0);
        enqueue("a3", "a", 0);
        enqueue("a4", "a", 0);
        enqueue("c1", "c", 0);
        enqueue("b1", "b", 0);
        enqueue("c2", "c", 0);
        gate.allow(4);
        controller.poke();
        assertThat(dispatchOrder).containsExactly("a1", "b1", "c1", "a2");
        // b's flow is gone (empty); the cursor still moves on from "a" to the next id that has requests.
        enqueue("b2", "b", 0);
        assertThat(releaseOneByOne()).containsExactly("a1", "b1", "c1", "a2", "b2", "c2", "a3", "a4");
    }

    @Test
    void bandRequestLimitRejectsWith429() {
        controller(FlowControlConfig.DEFAULT.withBand(0, BandConfig.DEFAULT.withMaxRequests(2)));
        enqueue("a", "t", 0);
        enqueue("b", "t", 0);
        RecordingExecutor loop = new RecordingExecutor();
        Ticket<String> c = controller.enqueue(new FlowKey("t", 0), 100, "c", loop);
        assertThat(outcomeNow(c)).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.httpStatus()).isEqualTo(429);
            assertThat(r.reason()).isEqualTo(RejectReason.BAND_MAX_REQUESTS);
            assertThat(r.message())
                    .isEqualTo("flow-control queue full: priority 0 has 2 requests queued, maxRequests 2");
            assertThat(r.gieOutcome()).isEqualTo("RejectedCapacity");
        });
        assertThat(loop.submitted()).isZero();
        assertThat(enqueue("other-band", "t", 1).isDone()).isFalse(); // other bands use the default (unlimited)

        gate.allow(1);
        controller.poke(); // "other-band" goes first (priority 1); band 0 still full
        assertThat(outcomeNow(enqueue("d", "t", 0))).isInstanceOf(Outcome.Rejected.class);
        gate.allow(1);
        controller.poke(); // "a" leaves band 0
        assertThat(enqueue("e", "t", 0).isDone()).isFalse();
        FlowControlStats s = controller.stats();
        assertThat(s.rejected(RejectReason.BAND_MAX_REQUESTS)).isEqualTo(2);
        assertThat(s.band(0).queuedRequests()).isEqualTo(2);
    }

    @Test
    void bandByteLimitRejectsWith429() {
        controller(FlowControlConfig.DEFAULT.withDefaultBand(BandConfig.DEFAULT.withMaxBytes(100)));
        assertThat(enqueue("a", "t", 0, 60).isDone()).isFalse();
        Outcome over = outcomeNow(enqueue("b", "t", 0, 50));
        assertThat(over).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.BAND_MAX_BYTES);
            assertThat(r.message())
                    .isEqualTo(
                            "flow-control queue full: priority 0 has 60 bytes queued, this request 50, maxBytes 100");
        });
        assertThat(enqueue("c", "t", 0, 40).isDone()).isFalse();
        assertThat(controller.stats().band(0).queuedBytes()).isEqualTo(100);
        assertThat(controller.stats().queuedBytes()).isEqualTo(100);
    }

    @Test
    void limitsApplyOnTheFastPathToo() {
        controller(FlowControlConfig.DEFAULT);
        gate.open();
        Outcome huge = outcomeNow(enqueue("huge", "t", 0, BandConfig.DEFAULT_MAX_BYTES + 1));
        assertThat(huge)
                .isInstanceOfSatisfying(
                        Outcome.Rejected.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.BAND_MAX_BYTES));
        assertThat(outcomeNow(enqueue("max", "t", 0, BandConfig.DEFAULT_MAX_BYTES)))
                .isSameAs(Outcome.DISPATCHED_IMMEDIATELY);
    }

    @Test
    void globalLimitsSpanBands() {
        controller(FlowControlConfig.DEFAULT.withMaxRequests(3).withMaxBytes(1_000));
        enqueue("a", "t", 0, 100);
        enqueue("b", "t", 1, 100);
        enqueue("c", "u", -1, 100);
        Outcome full = outcomeNow(enqueue("d", "u", 2, 100));
        assertThat(full).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.GLOBAL_MAX_REQUESTS);
            assertThat(r.message()).isEqualTo("flow-control queue full: 3 requests queued, maxRequests 3");
        });
        gate.allow(1);
        controller.poke();
        Outcome tooBig = outcomeNow(enqueue("e", "t", 0, 801));
        assertThat(tooBig)
                .isInstanceOfSatisfying(
                        Outcome.Rejected.class,
                        r -> assertThat(r.reason())
                                .isEqualTo(RejectReason.GLOBAL_MAX_BYTES)); // checked before band limits
        assertThat(enqueue("f", "t", 0, 800).isDone()).isFalse();
        FlowControlStats s = controller.stats();
        assertThat(s.rejected(RejectReason.GLOBAL_MAX_REQUESTS)).isEqualTo(1);
        assertThat(s.rejected(RejectReason.GLOBAL_MAX_BYTES)).isEqualTo(1);
        assertThat(s.rejectedTotal()).isEqualTo(2);
    }

    @Test
    void requestsExpireAfterTheTtlWith503() {
        controller(FlowControlConfig.DEFAULT.withRequestTtl(Duration.ofSeconds(30)));
        RecordingExecutor loop = new RecordingExecutor();
        Ticket<String> a = controller.enqueue(new FlowKey("t", 0), 10, "a", loop);
        ticker.advance(Duration.ofSeconds(10));
        Ticket<String> b = controller.enqueue(new FlowKey("u", -1), 10, "b", loop);

        ticker.advance(Duration.ofSeconds(20).minusNanos(1));
        assertThat(controller.sweepExpired()).isZero();
        ticker.advanceNanos(1);
        assertThat(controller.sweepExpired()).isEqualTo(1);
        assertThat(a.isDone()).isFalse(); // completed through the executor
        loop.runAll();
        assertThat(outcomeNow(a)).isInstanceOfSatisfying(Outcome.Expired.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.message()).isEqualTo("request timed out in the flow-control queue after 30000 ms");
            assertThat(e.gieOutcome()).isEqualTo("EvictedTTL");
        });
        assertThat(b.isDone()).isFalse();
        assertThat(a.cancel()).isFalse();

        ticker.advance(Duration.ofSeconds(10));
        assertThat(controller.sweepExpired()).isEqualTo(1);
        loop.runAll();
        assertThat(outcomeNow(b)).isInstanceOf(Outcome.Expired.class);
        FlowControlStats s = controller.stats();
        assertThat(s.expired()).isEqualTo(2);
        assertThat(s.queuedRequests()).isZero();
        assertThat(s.queuedBytes()).isZero();
    }

    @Test
    void anOverdueHeadExpiresAtDispatchInsteadOfBeingDispatched() {
        controller(FlowControlConfig.DEFAULT.withRequestTtl(Duration.ofSeconds(1)));
        Ticket<String> old = enqueue("old", "t", 0);
        ticker.advance(Duration.ofMillis(500));
        Ticket<String> young = enqueue("young", "t", 0);
        ticker.advance(Duration.ofMillis(700)); // no sweep ran
        gate.open();
        controller.poke();
        assertThat(outcomeNow(old)).isInstanceOf(Outcome.Expired.class);
        assertThat(outcomeNow(young))
                .isEqualTo(new Outcome.Dispatched(Duration.ofMillis(700).toNanos()));
    }

    @Test
    void zeroTtlWaitsUntilCancelled() {
        controller(FlowControlConfig.DEFAULT);
        Ticket<String> t = enqueue("a", "t", 0);
        ticker.advance(Duration.ofDays(1));
        assertThat(controller.sweepExpired()).isZero();
        assertThat(t.isDone()).isFalse();
        ticker.advance(Duration.ofMillis(3));
        assertThat(t.cancel()).isTrue();
        assertThat(outcomeNow(t))
                .isEqualTo(
                        new Outcome.Cancelled(Duration.ofDays(1).plusMillis(3).toNanos()));
    }

    @Test
    void sweepAlsoRetriesDispatch() {
        controller(FlowControlConfig.DEFAULT);
        Ticket<String> t = enqueue("a", "t", 0);
        gate.open(); // capacity appeared, but nobody poked
        controller.sweepExpired();
        assertThat(outcomeNow(t)).isInstanceOf(Outcome.Dispatched.class);
    }

    @Test
    void cancellationRemovesTheRequestWithoutALeak() {
        controller(FlowControlConfig.DEFAULT.withDefaultBand(BandConfig.DEFAULT.withMaxRequests(3)));
        RecordingExecutor loop = new RecordingExecutor();
        Ticket<String> a = controller.enqueue(new FlowKey("t", 0), 10, "a", loop);
        Ticket<String> b = controller.enqueue(new FlowKey("solo", 0), 20, "b", loop);
        Ticket<String> c = controller.enqueue(new FlowKey("t", 0), 30, "c", loop);
        assertThat(controller.stats().band(0).flows()).isEqualTo(2);

        assertThat(b.cancel()).isTrue();
        assertThat(b.cancel()).isFalse();
        assertThat(b.isDone()).isFalse();
        loop.runAll();
        assertThat(outcomeNow(b)).isInstanceOfSatisfying(Outcome.Cancelled.class, o -> {
            assertThat(o.httpStatus()).isEqualTo(503);
            assertThat(o.gieOutcome()).isEqualTo("EvictedContextCancelled");
        });
        FlowControlStats s = controller.stats();
        assertThat(s.cancelled()).isEqualTo(1);
        assertThat(s.band(0)).isEqualTo(new FlowControlStats.BandStats(0, 2, 40, 1)); // "solo" flow is gone
        assertThat(s.queuedBytes()).isEqualTo(40);
        // The freed slot is usable again.
        assertThat(controller.enqueue(new FlowKey("t", 0), 1, "d", loop).isDone())
                .isFalse();

        // A cancelled request is never dispatched; a dispatched one cannot be cancelled.
        assertThat(a.cancel()).isTrue();
        gate.open();
        controller.poke();
        loop.runAll();
        assertThat(outcomeNow(c)).isInstanceOf(Outcome.Dispatched.class);
        assertThat(c.cancel()).isFalse();
        assertThat(outcomeNow(a)).isInstanceOf(Outcome.Cancelled.class);
        s = controller.stats();
        assertThat(s.queuedRequests()).isZero();
        assertThat(s.queuedBytes()).isZero();
        assertThat(s.band(0)).isEqualTo(new FlowControlStats.BandStats(0, 0, 0, 0));
        assertThat(s.cancelled()).isEqualTo(2);
        assertThat(s.dispatched()).isEqualTo(2);
    }

    @Test
    void cancellingTheHeldHeadLetsTheNextOneBeHeld() {
        controller(FlowControlConfig.DEFAULT);
        Ticket<String> head = enqueue("head", "t", 1);
        enqueue("next", "t", 0);
        assertThat(head.cancel()).isTrue();
        gate.allow(1);
        controller.poke();
        assertThat(dispatchOrder).containsExactly("next");
    }

    @Test
    void aFailingCapacityCheckHoldsTheQueueAndIsCounted() {
        AtomicInteger calls = new AtomicInteger();
        controller = new FlowController<>(
                FlowControlConfig.DEFAULT,
                (priority, dispatching) -> {
                    if (calls.incrementAndGet() <= 3) {
                        throw new IllegalStateException("metrics store broken");
                    }
                    return true;
                },
                ticker);
        Ticket<String> t = controller.enqueue(FlowKey.of("", 0), 1, "a", DIRECT); // probe and drain both throw
        assertThat(t.isDone()).isFalse();
        controller.poke(); // third failure
        assertThat(t.isDone()).isFalse();
        controller.poke();
        assertThat(outcomeNow(t)).isInstanceOf(Outcome.Dispatched.class);
        assertThat(controller.stats().capacityCheckErrors()).isEqualTo(3);
    }

    @Test
    void aRefusingExecutorStillGetsItsOutcome() {
        controller(FlowControlConfig.DEFAULT);
        Ticket<String> t = controller.enqueue(FlowKey.of(null, 0), 1, "a", task -> {
            throw new RejectedExecutionException("event loop shut down");
        });
        gate.open();
        controller.poke();
        assertThat(outcomeNow(t)).isInstanceOf(Outcome.Dispatched.class);
    }

    @Test
    void queuedOutcomesResumeOnTheCallersExecutor() throws Exception {
        controller(FlowControlConfig.DEFAULT);
        ExecutorService eventLoop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop-1"));
        try {
            AtomicReference<String> thread = new AtomicReference<>();
            CompletableFuture<Outcome> seen = controller
                    .enqueue(FlowKey.of(null, 0), 1, "a", eventLoop)
                    .outcome()
                    .whenComplete((o, e) -> thread.set(Thread.currentThread().getName()))
                    .toCompletableFuture();
            gate.open();
            controller.poke(); // dispatched from the test thread, resumed on the event loop
            assertThat(seen.get(Patience.SECONDS, TimeUnit.SECONDS)).isInstanceOf(Outcome.Dispatched.class);
            assertThat(thread.get()).isEqualTo("event-loop-1");
        } finally {
            eventLoop.shutdownNow();
        }
    }

    @Test
    void theOutcomeStageIsReadOnly() {
        controller(FlowControlConfig.DEFAULT);
        Ticket<String> t = enqueue("a", "t", 0);
        t.outcome().toCompletableFuture().complete(new Outcome.Cancelled(0));
        t.outcome().toCompletableFuture().cancel(true);
        assertThat(t.isDone()).isFalse();
        assertThat(controller.queuedRequests()).isEqualTo(1);
    }

    @Test
    void closeEvictsEverythingAndRejectsLaterRequests() {
        controller(FlowControlConfig.DEFAULT);
        Ticket<String> a = enqueue("a", "t", 0);
        Ticket<String> b = enqueue("b", "u", -3);
        ticker.advance(Duration.ofMillis(4));
        controller.close();
        controller.close();
        for (Ticket<String> t : List.of(a, b)) {
            assertThat(outcomeNow(t)).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
                assertThat(r.httpStatus()).isEqualTo(503);
                assertThat(r.reason()).isEqualTo(RejectReason.SHUT_DOWN);
                assertThat(r.queuedNanos()).isEqualTo(Duration.ofMillis(4).toNanos());
            });
        }
        gate.open();
        assertThat(outcomeNow(enqueue("late", "t", 0)))
                .isInstanceOfSatisfying(
                        Outcome.Rejected.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.SHUT_DOWN));
        assertThat(controller.stats().rejected(RejectReason.SHUT_DOWN)).isEqualTo(3);
        assertThat(controller.stats().queuedRequests()).isZero();
    }

    @Test
    void aContinuationMayReenterTheController() {
        controller(FlowControlConfig.DEFAULT);
        List<Ticket<String>> followUps = new ArrayList<>();
        Ticket<String> first = enqueue("first", "t", 0);
        first.outcome().thenAccept(o -> followUps.add(enqueue("follow-up", "t", 0)));
        enqueue("second", "t", 0);
        gate.allow(2);
        controller.poke(); // first's continuation enqueues and pokes while this thread is the drainer
        assertThat(dispatchOrder).containsExactly("first", "second");
        assertThat(followUps)
                .singleElement()
                .satisfies(t -> assertThat(t.isDone()).isFalse());
        gate.open();
        controller.poke();
        assertThat(dispatchOrder).containsExactly("first", "second", "follow-up");
    }

    @Test
    void emptyQueueDoesNotAskForCapacityOnPoke() {
        controller(FlowControlConfig.DEFAULT);
        controller.poke();
        controller.sweepExpired();
        assertThat(gate.checks).isZero();
    }

    @Test
    void argumentsAndConfigAreValidated() {
        controller(FlowControlConfig.DEFAULT);
        assertThatThrownBy(() -> controller.enqueue(FlowKey.of(null, 0), -1, "a", DIRECT))
                .hasMessage("byteSize: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new FlowKey("", 0)).hasMessageContaining("fairnessId: empty");
        assertThat(FlowKey.of("", 3)).isEqualTo(new FlowKey("default-flow", 3));
        assertThat(FlowKey.of("tenant-a", 3).fairnessId()).isEqualTo("tenant-a");
        assertThatThrownBy(() -> new BandConfig(-1, 0, FairnessPolicy.GLOBAL_STRICT))
                .hasMessage("maxRequests: -1 (expected: >= 0, 0 = unlimited)");
        assertThatThrownBy(() -> FlowControlConfig.DEFAULT.withMaxBytes(-5))
                .hasMessage("maxBytes: -5 (expected: >= 0, 0 = unlimited)");
        assertThatThrownBy(() -> FlowControlConfig.DEFAULT.withRequestTtl(Duration.ofSeconds(-1)))
                .hasMessage("requestTtl: PT-1S (expected: >= 0, 0 = no TTL)");
        assertThatThrownBy(() -> FlowControlConfig.DEFAULT.withExpirySweepInterval(Duration.ZERO))
                .hasMessage("expirySweepInterval: PT0S (expected: > 0)");
        assertThat(FairnessPolicy.ofTypeName("round-robin-fairness-policy")).isEqualTo(FairnessPolicy.ROUND_ROBIN);
        assertThat(FairnessPolicy.ofTypeName("global-strict-fairness-policy")).isEqualTo(FairnessPolicy.GLOBAL_STRICT);
        assertThatThrownBy(() -> FairnessPolicy.ofTypeName("fair-share"))
                .hasMessage(
                        "fairnessPolicyRef: fair-share (expected: global-strict-fairness-policy or round-robin-fairness-policy)");
        assertThat(FlowControlConfig.DEFAULT.band(7))
                .isEqualTo(new BandConfig(0, 1_000_000_000L, FairnessPolicy.GLOBAL_STRICT));
        assertThat(FlowControlConfig.DEFAULT.expirySweepInterval()).isEqualTo(Duration.ofSeconds(1));
    }
}
