package io.infergate.scheduler.admission;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Flow control's capacity per priority: the {@link UtilizationSaturationDetector#headroom detector's headroom} for
 * priorities that may use the {@link CriticalReserve}, and a tighter room for the others while Critical requests
 * are arriving, so that a Critical request released first also finds room in an engine's running batch and a short
 * step, instead of waiting behind what a full batch keeps in the engine's queue.
 *
 * <p><b>The tighter room</b> of one endpoint, for priorities 0 and below, within {@link CriticalReserve#HOLD} of the
 * last Critical capacity check: the detector's room, further bounded by the endpoint's learned batch capacity less
 * the reserved slots, less our requests on it now (the gateway's own count, fresh between scrapes, where a scraped
 * running batch is up to a scrape old), and by the reserve's prefill limit less our requests on it that have not had
 * their first token. Step time grows with the prompts prefilled in it, and a Critical prompt shares its step with
 * them: the prefill limit is what keeps its TTFT near the unloaded one when the engine's batch is not what binds
 * (the lab's H100, {@code max_num_seqs} 1024); the batch reserve is what does when it is (a small
 * {@code max_num_seqs}).
 *
 * <p><b>Learned batch capacity</b>, per endpoint, from its scrapes (each used once): when two scrapes in a row show a
 * waiting queue, the running batch of the second is what the engine takes now (one scrape with a queue may only
 * be a request waiting for the next step); when a scrape shows no queue while our requests are at the learned
 * capacity less the reserve, the capacity grows by the reserve, since the engine took all of them without queueing.
 * Until an endpoint has been seen queueing, or when its engine does not export a running batch, it has no learned
 * capacity and only the prefill limit applies: the first overload teaches the capacity, with no setting.
 *
 * <p>Thread-safe: called on whichever thread pokes the flow controller, possibly several at once; what it learns is
 * kept per endpoint address in a concurrent map (a lost race writes a value learned from the same scrape); never
 * blocks; O(endpoints) per call. Bad input is a bug ({@link NullPointerException}).
 */
public final class ReservingHeadroom {

    /** What is known of one endpoint: the scrape last learned from, whether it queued, the batch capacity (0: none). */
    private record Learned(long scrapedAtNanos, boolean queued, int batchCapacity) {}

    private final UtilizationSaturationDetector detector;
    private final CriticalReserve reserve;
    private final LongSupplier ticker;
    private final long holdNanos = CriticalReserve.HOLD.toNanos();
    private final ConcurrentHashMap<String, Learned> learned = new ConcurrentHashMap<>();
    /** When a Critical request last asked for capacity; starts a hold ago (no reserve until one does). */
    private volatile long lastCriticalNanos;

    /**
     * @param ticker the monotonic clock of the flow controller, in nanoseconds
     */
    public ReservingHeadroom(UtilizationSaturationDetector detector, CriticalReserve reserve, LongSupplier ticker) {
        this.detector = Objects.requireNonNull(detector, "detector");
        this.reserve = Objects.requireNonNull(reserve, "reserve");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.lastCriticalNanos = ticker.getAsLong() - holdNanos - 1;
    }

    public UtilizationSaturationDetector detector() {
        return detector;
    }

    public CriticalReserve reserve() {
        return reserve;
    }

    /**
     * How many more requests of {@code priority} the endpoints can take, summed over endpoints; never negative,
     * saturating at {@link Integer#MAX_VALUE}. Learns from {@code loads}, and notes a Critical request, as a side
     * effect.
     */
    public int headroom(int priority, List<EndpointLoad> loads) {
        boolean full = true;
        if (reserve.enabled()) {
            long now = ticker.getAsLong();
            if (CriticalReserve.mayUseReserve(priority)) {
                lastCriticalNanos = now;
            } else {
                full = now - lastCriticalNanos > holdNanos;
            }
        }
        long room = 0;
        for (int i = 0, n = loads.size(); i < n; i++) {
            EndpointLoad l = loads.get(i);
            int capacity = reserve.enabled() ? learn(l) : 0;
            long r = detector.room(l.signals());
            if (!full && r > 0) {
                if (capacity > 0 && reserve.share() > 0) {
                    r = Math.min(r, capacity - reserve.slots(capacity) - (long) l.ours());
                }
                if (reserve.prefills() > 0) {
                    r = Math.min(r, reserve.prefills() - (long) l.prefilling());
                }
            }
            room += Math.max(0, r);
        }
        return (int) Math.min(Integer.MAX_VALUE, room);
    }

    /** The learned batch capacity of {@code hostPort}, 0 when none yet; for gauges and tests. */
    public int batchCapacity(String hostPort) {
        Learned l = learned.get(hostPort);
        return l == null ? 0 : l.batchCapacity();
    }

    /** Forgets endpoints that left the pool (control plane, from time to time). */
    public void retainOnly(Set<String> hostPorts) {
        learned.keySet().retainAll(hostPorts);
    }

    /** Updates what is known of the endpoint from a scrape not seen before; returns its batch capacity (0: none). */
    private int learn(EndpointLoad l) {
        Learned before = learned.get(l.hostPort());
        int capacity = before == null ? 0 : before.batchCapacity();
        if (!l.signals().hasMetrics() || (before != null && before.scrapedAtNanos() == l.scrapedAtNanos())) {
            return capacity;
        }
        boolean queued = l.scrapedWaiting() > 0 && l.scrapedRunning() > 0;
        if (queued && before != null && before.queued()) {
            capacity = l.scrapedRunning();
        } else if (!queued && capacity > 0 && l.ours() >= capacity - reserve.slots(capacity)) {
            capacity += Math.max(1, reserve.slots(capacity));
        }
        learned.put(l.hostPort(), new Learned(l.scrapedAtNanos(), queued, capacity));
        return capacity;
    }
}
