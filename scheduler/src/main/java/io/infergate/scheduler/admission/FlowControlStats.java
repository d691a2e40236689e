package io.infergate.scheduler.admission;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A consistent snapshot of one {@link FlowController} for metrics and the admin API (taken under its lock). Counters
 * are cumulative since construction. Every enqueue is accounted for exactly once:
 * {@code submitted == dispatched + rejectedTotal() + expired + cancelled + queuedRequests}. Immutable.
 *
 * @param bands                 per band, highest priority first, including empty bands created earlier
 * @param queuedRequests        requests waiting now
 * @param queuedBytes           their bytes
 * @param submitted             calls to {@code enqueue}
 * @param dispatched            dispatched requests, including {@code dispatchedImmediately}
 * @param dispatchedImmediately dispatched on the fast path, without queueing
 * @param rejectedByReason      rejections per reason (every reason present, 0 when none)
 * @param expired               requests evicted by the TTL
 * @param cancelled             requests removed by {@link Ticket#cancel()}
 * @param capacityCheckErrors   exceptions thrown by the {@link PoolCapacity} (each treated as "no capacity")
 */
public record FlowControlStats(
        List<BandStats> bands,
        int queuedRequests,
        long queuedBytes,
        long submitted,
        long dispatched,
        long dispatchedImmediately,
        Map<RejectReason, Long> rejectedByReason,
        long expired,
        long cancelled,
        long capacityCheckErrors) {

    /** One band: its priority, what waits in it, and how many flows (fairness ids) have requests waiting. */
    public record BandStats(int priority, int queuedRequests, long queuedBytes, int flows) {}

    public FlowControlStats {
        bands = List.copyOf(bands);
        EnumMap<RejectReason, Long> all = new EnumMap<>(RejectReason.class);
        for (RejectReason r : RejectReason.values()) {
            all.put(r, Objects.requireNonNullElse(rejectedByReason.get(r), 0L));
        }
        rejectedByReason = Map.copyOf(all);
    }

    public long rejected(RejectReason reason) {
        return rejectedByReason.get(reason);
    }

    public long rejectedTotal() {
        long n = 0;
        for (long v : rejectedByReason.values()) {
            n += v;
        }
        return n;
    }

    /** The band for {@code priority}, or null when none was created. */
    public BandStats band(int priority) {
        for (BandStats b : bands) {
            if (b.priority() == priority) {
                return b;
            }
        }
        return null;
    }
}
