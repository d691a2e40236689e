package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.SchedulingContext;
import java.util.Objects;

/** GIE {@code running-requests-size-scorer}: min-max over running requests, fewer is better; unknown scores 0. */
public final class RunningRequestsSizeScorer implements Scorer {

    public static final String TYPE = "running-requests-size-scorer";

    private final String name;

    public RunningRequestsSizeScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public RunningRequestsSizeScorer(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void score(SchedulingContext ctx, Candidates c, double[] scores) {
        int n = c.size();
        double[] v = new double[n];
        boolean[] known = new boolean[n];
        for (int i = 0; i < n; i++) {
            known[i] = c.metrics(i).hasRunningRequests();
            v[i] = c.metrics(i).runningRequests();
        }
        MinMax.lowerIsBetter(v, known, n, scores);
    }
}
