package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.SchedulingContext;
import java.util.Objects;

/**
 * Ours ({@code in-flight-requests-scorer}): min-max over the requests we have in flight on each endpoint, fewer
 * is better. Unlike scraped queue sizes it is exact and current to the request, so it corrects for the scrape
 * interval under bursts.
 */
public final class InFlightRequestsScorer implements Scorer {

    public static final String TYPE = "in-flight-requests-scorer";

    private final String name;

    public InFlightRequestsScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public InFlightRequestsScorer(String name) {
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
            known[i] = true;
            v[i] = c.inFlight(i);
        }
        MinMax.lowerIsBetter(v, known, n, scores);
    }
}
