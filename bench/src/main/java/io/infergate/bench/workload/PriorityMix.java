package io.infergate.bench.workload;

import java.util.Iterator;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Gives a workload's requests mixed priorities: each request independently becomes {@link WorkloadRequest#CRITICAL}
 * ({@code 1}), {@link WorkloadRequest#STANDARD} ({@code 0}) or {@link WorkloadRequest#SHEDDABLE} ({@code -1}) with
 * probabilities proportional to the three weights. No published benchmark fixes the shares;
 * {@link #DEFAULT} (20 / 50 / 30 %) is my choice: enough sheddable traffic for shedding under saturation to show.
 *
 * <p>Immutable and thread-safe; the iterators {@link #apply} returns are not.
 *
 * @param critical  weight of Critical, {@code >= 0}
 * @param standard  weight of Standard, {@code >= 0}
 * @param sheddable weight of Sheddable, {@code >= 0}; the three sum to more than 0
 */
public record PriorityMix(double critical, double standard, double sheddable) {

    public static final PriorityMix DEFAULT = new PriorityMix(0.2, 0.5, 0.3);

    public PriorityMix {
        check("critical", critical);
        check("standard", standard);
        check("sheddable", sheddable);
        if (!(critical + standard + sheddable > 0)) {
            throw new IllegalArgumentException("weights: all 0 (expected: a positive sum)");
        }
    }

    private static void check(String name, double w) {
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException(name + ": " + w + " (expected: finite, >= 0)");
        }
    }

    /** {@code content} with priorities drawn as above; ends when {@code content} does. */
    public Iterator<WorkloadRequest> apply(Iterator<WorkloadRequest> content, long seed) {
        Objects.requireNonNull(content, "content");
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] cumulative = {critical, critical + standard, critical + standard + sheddable};
        int[] priorities = {WorkloadRequest.CRITICAL, WorkloadRequest.STANDARD, WorkloadRequest.SHEDDABLE};
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return content.hasNext();
            }

            @Override
            public WorkloadRequest next() {
                return content.next().withPriority(priorities[Randoms.pick(rnd, cumulative)]);
            }
        };
    }
}
