package io.infergate.bench.workload;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.PrimitiveIterator;

/**
 * Joins content and arrivals: the {@code i}-th request of a content generator is sent at the {@code i}-th arrival
 * time. Stateless; thread-safe (the iterators passed in are not).
 */
public final class Schedule {

    private Schedule() {}

    /**
     * Up to {@code maxRequests} requests, stopping early when the content or the arrivals end; each request's
     * {@code arrivalNanos} is replaced by its arrival time.
     *
     * @param arrivalSeed seeds the arrival process (kept apart from the content's seed, so changing the rate does
     *                    not change what is asked)
     */
    public static List<WorkloadRequest> of(
            Iterator<WorkloadRequest> content, Arrivals arrivals, long arrivalSeed, int maxRequests) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(arrivals, "arrivals");
        if (maxRequests < 0) {
            throw new IllegalArgumentException("maxRequests: " + maxRequests + " (expected: >= 0)");
        }
        PrimitiveIterator.OfLong times = arrivals.times(arrivalSeed);
        List<WorkloadRequest> out = new ArrayList<>();
        while (out.size() < maxRequests && content.hasNext() && times.hasNext()) {
            out.add(content.next().withArrivalNanos(times.nextLong()));
        }
        return out;
    }
}
