package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.Scorer;
import java.util.Arrays;
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

    /**
     * Writes each candidate's value to {@code out[i]}, {@link Double#NaN} when unknown. One call per decision
     * with the loop inside the subclass, rather than a virtual call per candidate: this base class serves four
     * scorers, so per-candidate calls from here would be megamorphic and never inlined.
     */
    abstract void values(Candidates c, double[] out);

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
        values(c, scores); // the values first, normalised in place below
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = scores[i];
            if (v == v) { // known (not NaN)
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (min == Double.POSITIVE_INFINITY) {
            Arrays.fill(scores, 0, n, 1.0); // nothing known: nothing tells them apart
            return;
        }
        double range = max - min;
        for (int i = 0; i < n; i++) {
            double v = scores[i];
            scores[i] = v != v ? 0.0 : range == 0 ? 1.0 : (max - v) / range;
        }
    }
}
