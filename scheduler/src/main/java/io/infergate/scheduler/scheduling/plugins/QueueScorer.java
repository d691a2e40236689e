package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.config.PluginFactory;

/**
 * GIE {@code queue-scorer}: min-max over the waiting-queue size of the candidates, shorter is better. GIE reads an
 * unscraped endpoint as queue 0 (its zero value); we score an unknown queue 0, the worst, so a server we know
 * nothing about is not preferred.
 */
public final class QueueScorer extends MinMaxScorer {

    public static final String TYPE = PluginTypes.QUEUE_SCORER;

    /** Builds it from its instance name; it has no parameters. */
    public static final PluginFactory FACTORY = PluginFactory.scorer(TYPE, QueueScorer::new);

    public QueueScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public QueueScorer(String name) {
        super(TYPE, name);
    }

    @Override
    void values(Candidates c, double[] out) {
        for (int i = 0; i < c.size(); i++) {
            var m = c.metrics(i);
            out[i] = m.hasWaitingQueue() ? m.waitingQueue() : Double.NaN;
        }
    }
}
