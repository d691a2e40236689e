package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.SchedulingContext;
import java.util.Objects;

/**
 * GIE {@code queue-scorer}: min-max over the waiting-queue size of the candidates, shorter is better. GIE reads an
 * unscraped endpoint as queue 0 (its zero value); we score an unknown queue 0, the worst, so a server we know
 * nothing about is not preferred.
 */
public final class QueueScorer implements Scorer {

    public static final String TYPE = "queue-scorer";

    private final String name;

    public QueueScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public QueueScorer(String name) {
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
            known[i] = c.metrics(i).hasWaitingQueue();
            v[i] = c.metrics(i).waitingQueue();
        }
        MinMax.lowerIsBetter(v, known, n, scores);
    }
}
