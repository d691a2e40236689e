package io.infergate.scheduler.admission;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * GIE's flow control for one InferencePool (v1.5.0 {@code pkg/epp/flowcontrol}, feature gate {@code flowControl}):
 * requests wait here until the pool has capacity, and leave in a policy-defined order.
 *
 * <h2>Order</h2>
 * Three tiers, as in GIE: strict priority across bands (every queued request of a higher priority leaves before any
 * of a lower one); within a band the band's {@link FairnessPolicy} picks the flow (fairness id); within a flow, first
 * come first served. Bands are created on demand from {@link FlowControlConfig#band(int)}.
 *
 * <h2>Dispatch</h2>
 * Before each dispatch the controller asks its {@link PoolCapacity} about the head request's priority (a policy may
 * hold back a lower priority where it would release a higher one), telling it how many requests it has dispatched
 * whose continuation has not run yet (their outcome sits in an executor's queue, so no pick has leased an endpoint
 * for them and no signal shows them); while the answer is no it holds the head request (and so everything behind
 * it: GIE's "strict priority preservation"). Without that count a poke would see the same load before every
 * dispatch and release the whole queue at once; with it, one poke releases at most what the pool can take. A
 * dispatched request stops counting when its outcome's continuation has returned (the pick has leased by then),
 * and the controller pokes itself then, in case that pick took nothing. Nothing here runs on a timer: the
 * data plane calls {@link #poke()} whenever capacity may have appeared (a request finished, metrics were
 * refreshed), and each {@link #enqueue} pokes too. {@link #sweepExpired()} (which also pokes) is meant to be called
 * every {@link FlowControlConfig#expirySweepInterval()} by a control-plane scheduler; tests call it after advancing
 * their fake ticker.
 *
 * <p><b>Fast path.</b> When nothing is queued and the pool has capacity, {@code enqueue} dispatches at once and
 * returns a ticket whose outcome is already complete, without queueing and without an executor hop. Queue limits
 * are checked first, exactly as for a queued request (GIE queues every request and so checks them for all).
 *
 * <h2>Limits and outcomes</h2>
 * Over a global or band limit ({@code maxRequests}, {@code maxBytes}; 0 = unlimited) the request is rejected at
 * once with 429 and a {@link RejectReason}. A request that waited {@link FlowControlConfig#requestTtl()} expires with
 * 503 (caught by the sweep, or at dispatch if it is picked first). {@link Ticket#cancel()} removes a request whose
 * client went away (503, {@link Outcome.Cancelled}). {@link #close()} evicts everything (503, {@code SHUT_DOWN}).
 * Every request gets exactly one outcome; counters are in {@link #stats()}.
 *
 * <h2>Threading</h2>
 * Every method may be called from any thread, concurrently (typically many event loops), and none waits for
 * anything but one {@link ReentrantLock} that guards the queues and counters and is held only for short,
 * bounded work: O(B + log F) per enqueue, dispatch or cancel, with B the number of priority bands (a handful) and F
 * the flows of a band. Outside that lock are: the {@link PoolCapacity} check, and the completion of outcomes
 * (submitted to each request's own executor). Dispatching is serialised without blocking: the first thread to
 * {@linkplain #poke() poke} becomes the drainer and dispatches until the queue is empty or the pool has no
 * capacity; a thread that pokes meanwhile only leaves a note and returns, and the drainer runs another round for it,
 * so no capacity signal is lost. Request handles ({@code T}) are only stored and handed back.
 *
 * <p>Time comes from the injected monotonic ticker (nanoseconds, {@code System::nanoTime} in production); there is
 * no randomness.
 *
 * <p>Errors: {@code null} arguments and negative sizes are bugs ({@link NullPointerException},
 * {@link IllegalArgumentException}); everything else is an {@link Outcome}. Exceptions from the capacity check are
 * counted and treated as "no capacity".
 *
 * @param <T> the caller's request handle
 */
public final class FlowController<T> implements AutoCloseable {

    private static final String STOPPED = "flow control of this InferencePool is stopped";

    private final FlowControlConfig config;
    private final PoolCapacity capacity;
    private final LongSupplier ticker;
    private final long ttlNanos;

    /** Poke requests not yet served by the drainer; non-zero while a thread is draining. */
    private final AtomicInteger drainRequests = new AtomicInteger();

    private final AtomicLong capacityCheckErrors = new AtomicLong();

    /** Dispatched from the queue, outcome not yet delivered: invisible to the pool's signals (see Dispatch). */
    private final AtomicInteger dispatching = new AtomicInteger();

    private final ReentrantLock lock = new ReentrantLock();
    // Everything below is guarded by lock.
    /** All bands created so far, highest priority first. */
    private Band<T>[] bands;
    /** Written under the lock, read without it by the fast path's probe. */
    private volatile int queuedRequests;

    private long queuedBytes;
    private long submitted;
    private long dispatched;
    private long dispatchedImmediately;
    private long expired;
    private long cancelled;
    private final long[] rejected = new long[RejectReason.values().length];
    private boolean closed;

    /**
     * @param config   limits, TTL and bands
     * @param capacity asked before every dispatch
     * @param ticker   a monotonic clock in nanoseconds
     */
    @SuppressWarnings("unchecked")
    public FlowController(FlowControlConfig config, PoolCapacity capacity, LongSupplier ticker) {
        this.config = Objects.requireNonNull(config, "config");
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.ttlNanos = toNanosSaturated(config.requestTtl());
        lock.lock();
        try {
            this.bands = (Band<T>[]) new Band<?>[0];
            for (int priority : config.bands().keySet()) {
                bandLocked(priority);
            }
        } finally {
            lock.unlock();
        }
    }

    public FlowControlConfig config() {
        return config;
    }

    /**
     * Admits one request: dispatches it at once (fast path), rejects it at once (over a limit, or closed), or queues
     * it until it is dispatched, expires or is cancelled. Never blocks beyond the short lock.
     *
     * @param flow     the request's fairness id and priority
     * @param byteSize the request's size counted against {@code maxBytes} (GIE: the request body size), >= 0
     * @param request  the caller's handle, returned by {@link Ticket#request()}; may be null
     * @param executor where a queued request's outcome is completed (the request's event loop); not used for
     *                 outcomes decided here, which are complete when this returns
     */
    public Ticket<T> enqueue(FlowKey flow, long byteSize, T request, Executor executor) {
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(executor, "executor");
        if (byteSize < 0) {
            throw new IllegalArgumentException("byteSize: " + byteSize + " (expected: >= 0)");
        }
        // Probed outside the lock, since a capacity check may scan every endpoint; rechecked emptiness under it.
        boolean idle = queuedRequests == 0 && hasCapacity(flow.priority());
        Outcome decided;
        Ticket<T> ticket = null;
        lock.lock();
        try {
            submitted++;
            if (closed) {
                rejected[RejectReason.SHUT_DOWN.ordinal()]++;
                decided = new Outcome.Rejected(RejectReason.SHUT_DOWN, STOPPED, 0);
            } else {
                Band<T> band = bandLocked(flow.priority());
                RejectReason over = overLimitLocked(band, byteSize);
                if (over != null) {
                    rejected[over.ordinal()]++;
                    decided = new Outcome.Rejected(over, limitMessageLocked(over, band, byteSize), 0);
                } else if (idle && queuedRequests == 0) {
                    dispatched++;
                    dispatchedImmediately++;
                    decided = Outcome.DISPATCHED_IMMEDIATELY;
                } else {
                    // The ticker is read under the lock so that each band's list is in enqueue-time order.
                    ticket = new Ticket<>(this, flow, byteSize, request, executor, ticker.getAsLong());
                    band.add(ticket);
                    ticket.queued = true;
                    queuedRequests++;
                    queuedBytes += byteSize;
                    decided = null;
                }
            }
        } finally {
            lock.unlock();
        }
        if (decided != null) {
            return Ticket.decided(flow, byteSize, request, executor, decided);
        }
        // Even when the probe saw no capacity, capacity may have come (and its poke found an empty queue) before the
        // add: this poke makes sure the new request is considered.
        poke();
        return ticket;
    }

    /**
     * Capacity may be available: dispatches queued requests, highest priority first, for as long as the
     * {@link PoolCapacity} says yes. The data plane calls it when a request to the pool finishes and when the
     * pool's metrics are refreshed. Cheap when nothing is queued. If another thread is dispatching right now this
     * returns at once and that thread runs another round.
     */
    public void poke() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        try {
            do {
                drain();
                missed = drainRequests.addAndGet(-missed);
            } while (missed != 0);
        } catch (Throwable bug) {
            // Only a bug gets here (drain contains the capacity check's exceptions); do not leave the drainer
            // role taken forever.
            drainRequests.set(0);
            throw bug;
        }
    }

    private void drain() {
        while (queuedRequests > 0) {
            // The head's priority is read first and capacity asked for it outside the lock (the check may scan every
            // endpoint); a lower priority may be held back where a higher one would still be released.
            int priority;
            lock.lock();
            try {
                Ticket<T> head = headLocked();
                if (head == null) {
                    return;
                }
                priority = head.flow().priority();
            } finally {
                lock.unlock();
            }
            if (!hasCapacity(priority)) {
                return;
            }
            Ticket<T> t;
            Outcome outcome;
            lock.lock();
            try {
                t = headLocked();
                if (t == null) {
                    return;
                }
                if (t.flow().priority() < priority) {
                    continue; // the checked head left (cancelled, expired): ask again for this lower one
                }
                long now = ticker.getAsLong();
                Band<T> band = t.band;
                removeLocked(t);
                if (isOverdue(t, now)) {
                    // Picked before the sweep got to it: it has had its time; this dispatch slot goes to the next.
                    expired++;
                    outcome = new Outcome.Expired(now - t.enqueuedNanos);
                } else {
                    band.served(t);
                    dispatched++;
                    dispatching.incrementAndGet();
                    outcome = new Outcome.Dispatched(now - t.enqueuedNanos);
                }
            } finally {
                lock.unlock();
            }
            t.complete(outcome);
        }
    }

    /**
     * Expires every request that has waited at least the TTL (503), then {@linkplain #poke() pokes}, so a periodic
     * call is also a safety net for a missed capacity signal. Meant for a control-plane scheduler, every
     * {@link FlowControlConfig#expirySweepInterval()}; O(B + expired) under the lock, since each band's requests are
     * kept in enqueue order and the TTL is the same for all.
     *
     * @return how many requests expired
     */
    public int sweepExpired() {
        List<Ticket<T>> out = List.of();
        long now = 0;
        if (ttlNanos > 0) {
            lock.lock();
            try {
                now = ticker.getAsLong();
                for (Band<T> band : bands) {
                    for (Ticket<T> t = band.oldest(); t != null && isOverdue(t, now); t = band.oldest()) {
                        removeLocked(t);
                        if (out.isEmpty()) {
                            out = new ArrayList<>();
                        }
                        out.add(t);
                    }
                }
                expired += out.size();
            } finally {
                lock.unlock();
            }
        }
        for (Ticket<T> t : out) {
            t.complete(new Outcome.Expired(now - t.enqueuedNanos));
        }
        poke();
        return out.size();
    }

    /** {@link Ticket#cancel()}. */
    boolean cancel(Ticket<T> t) {
        long now;
        lock.lock();
        try {
            if (!t.queued) {
                return false;
            }
            now = ticker.getAsLong();
            removeLocked(t);
            cancelled++;
        } finally {
            lock.unlock();
        }
        t.complete(new Outcome.Cancelled(now - t.enqueuedNanos));
        return true;
    }

    /**
     * Stops the controller: every queued request completes with 503 {@link RejectReason#SHUT_DOWN}, and so does every
     * later enqueue. Idempotent; any thread.
     */
    @Override
    public void close() {
        List<Ticket<T>> evicted = new ArrayList<>();
        long now;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            now = ticker.getAsLong();
            for (Band<T> band : bands) {
                for (Ticket<T> t = band.oldest(); t != null; t = band.oldest()) {
                    removeLocked(t);
                    evicted.add(t);
                }
            }
            rejected[RejectReason.SHUT_DOWN.ordinal()] += evicted.size();
        } finally {
            lock.unlock();
        }
        for (Ticket<T> t : evicted) {
            t.complete(new Outcome.Rejected(RejectReason.SHUT_DOWN, STOPPED, now - t.enqueuedNanos));
        }
    }

    /** Requests waiting now; a lock-free read for gauges. */
    public int queuedRequests() {
        return queuedRequests;
    }

    /** A consistent snapshot of queue sizes per band and the counters. */
    public FlowControlStats stats() {
        lock.lock();
        try {
            List<FlowControlStats.BandStats> perBand = new ArrayList<>(bands.length);
            for (Band<T> b : bands) {
                perBand.add(new FlowControlStats.BandStats(b.priority, b.size, b.bytes, b.flowCount()));
            }
            Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
            for (RejectReason r : RejectReason.values()) {
                byReason.put(r, rejected[r.ordinal()]);
            }
            return new FlowControlStats(
                    perBand,
                    queuedRequests,
                    queuedBytes,
                    submitted,
                    dispatched,
                    dispatchedImmediately,
                    byReason,
                    expired,
                    cancelled,
                    capacityCheckErrors.get());
        } finally {
            lock.unlock();
        }
    }

    /** Called once a dispatched request's outcome has been delivered (its pick has run): see Dispatch. */
    void delivered() {
        dispatching.decrementAndGet();
        poke();
    }

    /** Requests dispatched whose outcome has not been delivered yet; for tests and gauges. */
    public int dispatching() {
        return dispatching.get();
    }

    private boolean hasCapacity(int priority) {
        try {
            return capacity.hasCapacity(priority, dispatching.get());
        } catch (RuntimeException e) {
            capacityCheckErrors.incrementAndGet();
            return false;
        }
    }

    private boolean isOverdue(Ticket<T> t, long now) {
        return ttlNanos > 0 && now - t.enqueuedNanos >= ttlNanos;
    }

    /** The next ticket by strict priority, then the band's fairness policy; null when nothing is queued. */
    private Ticket<T> headLocked() {
        for (Band<T> band : bands) {
            if (band.size > 0) {
                return band.next();
            }
        }
        return null;
    }

    private void removeLocked(Ticket<T> t) {
        t.band.remove(t);
        t.queued = false;
        queuedRequests--;
        queuedBytes -= t.byteSize();
    }

    /** The band for {@code priority}, created from the config's template if new (binary search, no boxing). */
    private Band<T> bandLocked(int priority) {
        int lo = 0;
        int hi = bands.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int p = bands[mid].priority;
            if (p == priority) {
                return bands[mid];
            } else if (p > priority) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        Band<T> band = new Band<>(priority, config.band(priority));
        Band<T>[] grown = Arrays.copyOf(bands, bands.length + 1);
        System.arraycopy(bands, lo, grown, lo + 1, bands.length - lo);
        grown[lo] = band;
        bands = grown;
        return band;
    }

    /** GIE's capacity check, in its order; "over" means the request would not fit next to what is queued. */
    private RejectReason overLimitLocked(Band<T> band, long bytes) {
        if (exceeds(queuedBytes, bytes, config.maxBytes())) {
            return RejectReason.GLOBAL_MAX_BYTES;
        }
        if (exceeds(queuedRequests, 1, config.maxRequests())) {
            return RejectReason.GLOBAL_MAX_REQUESTS;
        }
        if (exceeds(band.bytes, bytes, band.config.maxBytes())) {
            return RejectReason.BAND_MAX_BYTES;
        }
        if (exceeds(band.size, 1, band.config.maxRequests())) {
            return RejectReason.BAND_MAX_REQUESTS;
        }
        return null;
    }

    private static boolean exceeds(long used, long more, long limit) {
        return limit > 0 && more > limit - used;
    }

    private String limitMessageLocked(RejectReason reason, Band<T> band, long bytes) {
        return switch (reason) {
            case GLOBAL_MAX_BYTES ->
                "flow-control queue full: " + queuedBytes + " bytes queued, this request " + bytes + ", maxBytes "
                        + config.maxBytes();
            case GLOBAL_MAX_REQUESTS ->
                "flow-control queue full: " + queuedRequests + " requests queued, maxRequests " + config.maxRequests();
            case BAND_MAX_BYTES ->
                "flow-control queue full: priority " + band.priority + " has " + band.bytes
                        + " bytes queued, this request " + bytes + ", maxBytes " + band.config.maxBytes();
            case BAND_MAX_REQUESTS ->
                "flow-control queue full: priority " + band.priority + " has " + band.size
                        + " requests queued, maxRequests " + band.config.maxRequests();
            default -> throw new IllegalStateException("not a limit: " + reason);
        };
    }

    private static long toNanosSaturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
