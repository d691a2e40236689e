package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.config.PluginFactory;

/** GIE {@code running-requests-size-scorer}: min-max over running requests, fewer is better; unknown scores 0. */
public final class RunningRequestsSizeScorer extends MinMaxScorer {

    public static final String TYPE = PluginTypes.RUNNING_REQUESTS_SIZE_SCORER;

    /** Builds it from its instance name; it has no parameters. */
    public static final PluginFactory FACTORY = PluginFactory.scorer(TYPE, RunningRequestsSizeScorer::new);

    public RunningRequestsSizeScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public RunningRequestsSizeScorer(String name) {
        super(TYPE, name);
    }

    @Override
    void values(Candidates c, double[] out) {
        for (int i = 0; i < c.size(); i++) {
            var m = c.metrics(i);
            out[i] = m.hasRunningRequests() ? m.runningRequests() : Double.NaN;
        }
    }
}
