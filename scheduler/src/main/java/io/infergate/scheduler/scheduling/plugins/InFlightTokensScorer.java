package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.SchedulingContext;
import java.util.Objects;

/**
 * Ours ({@code in-flight-tokens-scorer}, in the spirit of llm-d's token-load scorer): min-max over the tokens our
 * in-flight requests are still expected to cost on each endpoint (prompt tokens not yet prefilled plus output
 * estimates), less is better.
 */
public final class InFlightTokensScorer implements Scorer {

    public static final String TYPE = "in-flight-tokens-scorer";

    private final String name;

    public InFlightTokensScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public InFlightTokensScorer(String name) {
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
            v[i] = c.inFlightTokens(i);
        }
        MinMax.lowerIsBetter(v, known, n, scores);
    }
}
