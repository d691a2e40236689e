package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;

/** GIE {@code running-requests-size-scorer}: min-max over running requests, fewer is better; unknown scores 0. */
public final class RunningRequestsSizeScorer extends MinMaxScorer {

    public static final String TYPE = "running-requests-size-scorer";

    public RunningRequestsSizeScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public RunningRequestsSizeScorer(String name) {
        super(TYPE, name);
    }

    @Override
    boolean known(Candidates c, int i) {
        return c.metrics(i).hasRunningRequests();
    }

    @Override
    double value(Candidates c, int i) {
        return c.metrics(i).runningRequests();
    }
}
