package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.SchedulingContext;
import java.util.Objects;

/**
 * GIE's min-max normalisation over the candidate set, lower is better: {@code (max - v) / (max - min)}, all 1.0
 * when the values are equal. A candidate whose value is unknown scores 0 (the worst) and takes no part in min and
 * max; with no known value every candidate scores 1.0 (nothing tells them apart). Subclasses say which value.
 * Stateless apart from the instance name; thread-safe.
 */
abstract class MinMaxScorer implements Scorer {

    private final String type;
    private final String name;

    MinMaxScorer(String type, String name) {
        this.type = type;
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Whether candidate {@code i}'s value is known. */
    abstract boolean known(Candidates c, int i);

    /** Candidate {@code i}'s value (read only when known). */
    abstract double value(Candidates c, int i);

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void score(SchedulingContext ctx, Candidates c, double[] scores) {
        int n = c.size();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (known(c, i)) {
                min = Math.min(min, value(c, i));
                max = Math.max(max, value(c, i));
            }
        }
        boolean none = min == Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (none) {
                scores[i] = 1.0;
            } else if (!known(c, i)) {
                scores[i] = 0.0;
            } else {
                scores[i] = max == min ? 1.0 : (max - value(c, i)) / (max - min);
            }
        }
    }
}
