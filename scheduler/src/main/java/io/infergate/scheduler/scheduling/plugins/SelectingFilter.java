package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Filter;
import io.infergate.scheduler.scheduling.SchedulingContext;

/**
 * A filter that can say what it would keep without changing the candidates, so a decision tree can tell success
 * (something kept) from failure (nothing kept) and fall back to the unfiltered set.
 */
public interface SelectingFilter extends Filter {

    /** {@code keep[i]} for each current candidate; all false means the filter fails. */
    boolean[] select(SchedulingContext ctx, Candidates candidates);

    @Override
    default void filter(SchedulingContext ctx, Candidates candidates) {
        candidates.retain(select(ctx, candidates));
    }

    static boolean any(boolean[] keep, int n) {
        for (int i = 0; i < n; i++) {
            if (keep[i]) {
                return true;
            }
        }
        return false;
    }
}
