package io.infergate.scheduler.admission;

/**
 * The FCFS queue of one flow (fairness id × priority) inside a {@link Band}: an intrusive doubly linked list through
 * the tickets, so that removal from the middle (cancellation, expiry) is O(1) and allocation-free. Exists only while
 * it holds requests. Guarded by the controller's lock.
 */
final class Flow<T> {

    final String id;
    Ticket<T> head;
    private Ticket<T> tail;
    int size;

    Flow(String id) {
        this.id = id;
    }

    void add(Ticket<T> t) {
        t.flowPrev = tail;
        t.flowNext = null;
        if (tail == null) {
            head = t;
        } else {
            tail.flowNext = t;
        }
        tail = t;
        size++;
    }

    void remove(Ticket<T> t) {
        if (t.flowPrev == null) {
            head = t.flowNext;
        } else {
            t.flowPrev.flowNext = t.flowNext;
        }
        if (t.flowNext == null) {
            tail = t.flowPrev;
        } else {
            t.flowNext.flowPrev = t.flowPrev;
        }
        t.flowPrev = null;
        t.flowNext = null;
        size--;
    }

    boolean isEmpty() {
        return size == 0;
    }
}
