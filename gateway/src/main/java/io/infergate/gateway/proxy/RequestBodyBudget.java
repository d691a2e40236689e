package io.infergate.gateway.proxy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide count of request body bytes held by requests whose body is still being received, against
 * {@code EdgeLimits.maxBufferedRequestBytes}: a body reserves what it received, chunk by chunk, and gives it all back
 * when it is complete or dropped. Many clients declaring large bodies and sending them slowly therefore hold only
 * what they really sent, and together no more than the cap. Thread-safe, lock-free; any event loop.
 */
final class RequestBodyBudget {

    private final long max;
    private final AtomicLong used = new AtomicLong();

    RequestBodyBudget(long max) {
        this.max = max;
    }

    /** Takes {@code n} bytes if they fit under the cap; false (nothing taken) if they do not. */
    boolean tryReserve(long n) {
        long u;
        do {
            u = used.get();
            if (u + n > max) {
                return false;
            }
        } while (!used.compareAndSet(u, u + n));
        return true;
    }

    void release(long n) {
        used.addAndGet(-n);
    }

    long used() {
        return used.get();
    }

    long max() {
        return max;
    }
}
