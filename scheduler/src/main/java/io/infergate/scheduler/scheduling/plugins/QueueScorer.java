package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.admission.PoolSignals;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.config.PluginFactory;

/**
 * GIE {@code queue-scorer}: min-max over the waiting-queue size of the candidates, shorter is better. GIE reads an
 * unscraped endpoint as queue 0 (its zero value); we score an unknown queue 0, the worst, so a server we know
 * nothing about is not preferred.
 *
 * <p>{@link #countingOurs()} is ours, used by the {@code infergate-default} profile: the queue also counts our
 * requests sent to the endpoint since its last scrape ({@link PoolSignals#queueWithOurs}); with the scraped value
 * alone, every request of a burst between two scrapes goes to the endpoint that looked emptiest at the last one.
 * GIE's {@code queue-scorer} (configurations, the {@code gie-*} profiles) stays GIE's.
 */
public final class QueueScorer extends MinMaxScorer {

    public static final String TYPE = PluginTypes.QUEUE_SCORER;

    /** Builds it from its instance name; it has no parameters. */
    public static final PluginFactory FACTORY = PluginFactory.scorer(TYPE, QueueScorer::new);

    private final boolean countOurs;

    public QueueScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public QueueScorer(String name) {
        this(name, false);
    }

    private QueueScorer(String name, boolean countOurs) {
        super(TYPE, name);
        this.countOurs = countOurs;
    }

    /** The scorer that also counts our requests sent since each endpoint's last scrape (see the class comment). */
    public static QueueScorer countingOurs() {
        return new QueueScorer(TYPE, true);
    }

    @Override
    void values(Candidates c, double[] out) {
        for (int i = 0; i < c.size(); i++) {
            var m = c.metrics(i);
            if (!m.hasWaitingQueue()) {
                out[i] = Double.NaN;
            } else {
                out[i] = countOurs
                        ? PoolSignals.queueWithOurs(m.waitingQueue(), m.runningRequests(), c.inFlight(i))
                        : m.waitingQueue();
            }
        }
    }
}
