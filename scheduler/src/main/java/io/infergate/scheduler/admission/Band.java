package io.infergate.scheduler.admission;

import java.util.Map;
import java.util.TreeMap;

/**
 * One priority band: its flows, and every queued ticket of the band in enqueue order (a second intrusive list). The
 * band-wide list is what makes {@link FairnessPolicy#GLOBAL_STRICT} O(1) (the oldest head across flows is the oldest
 * ticket of the band, since each flow is FCFS) and lets the expiry sweep stop at the first ticket still in time.
 * Flows live in a sorted map for {@link FairnessPolicy#ROUND_ROBIN}'s cursor and are dropped when they empty, so
 * client-chosen fairness ids cannot accumulate. Guarded by the controller's lock; O(log flows) per operation.
 */
final class Band<T> {

    final int priority;
    final BandConfig config;
    int size;
    long bytes;
    private Ticket<T> head;
    private Ticket<T> tail;
    private final TreeMap<String, Flow<T>> flows = new TreeMap<>();
    /** Round robin: the fairness id served last; the next turn goes to the first non-empty flow after it. */
    private String lastServed;

    Band(int priority, BandConfig config) {
        this.priority = priority;
        this.config = config;
    }

    void add(Ticket<T> t) {
        String id = t.flow().fairnessId();
        Flow<T> flow = flows.get(id);
        if (flow == null) {
            flow = new Flow<>(id);
            flows.put(id, flow);
        }
        flow.add(t);
        t.flowQueue = flow;
        t.band = this;
        t.bandPrev = tail;
        t.bandNext = null;
        if (tail == null) {
            head = t;
        } else {
            tail.bandNext = t;
        }
        tail = t;
        size++;
        bytes += t.byteSize();
    }

    void remove(Ticket<T> t) {
        Flow<T> flow = t.flowQueue;
        flow.remove(t);
        if (flow.isEmpty()) {
            flows.remove(flow.id);
        }
        if (t.bandPrev == null) {
            head = t.bandNext;
        } else {
            t.bandPrev.bandNext = t.bandNext;
        }
        if (t.bandNext == null) {
            tail = t.bandPrev;
        } else {
            t.bandNext.bandPrev = t.bandPrev;
        }
        t.bandPrev = null;
        t.bandNext = null;
        t.flowQueue = null;
        t.band = null;
        size--;
        bytes -= t.byteSize();
    }

    /** The ticket enqueued first, or null. */
    Ticket<T> oldest() {
        return head;
    }

    /** The ticket the band's fairness policy serves next (not removed), or null when the band is empty. */
    Ticket<T> next() {
        if (head == null) {
            return null;
        }
        if (config.fairness() == FairnessPolicy.GLOBAL_STRICT) {
            return head;
        }
        Map.Entry<String, Flow<T>> e = lastServed == null ? null : flows.higherEntry(lastServed);
        if (e == null) {
            e = flows.firstEntry();
        }
        return e.getValue().head;
    }

    /** Records that {@code t}'s flow had its turn (round robin moves past it). */
    void served(Ticket<T> t) {
        lastServed = t.flow().fairnessId();
    }

    int flowCount() {
        return flows.size();
    }
}
