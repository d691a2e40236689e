package io.infergate.scheduler.scheduling;

import io.infergate.scheduler.pick.Endpoint;
import java.util.List;
import java.util.Objects;

/**
 * Why a profile chose what it chose, for the debug header and the admin API: the candidates left after the
 * filters, each scorer's clamped scores and weight, and the weighted totals. Immutable (arrays are copied in).
 *
 * @param candidates the candidates after filtering, in position order
 * @param scorers    scorer instance names, in profile order
 * @param weights    {@code weights[k]} of {@code scorers.get(k)}
 * @param scores     {@code scores[k][i]}: scorer k's clamped score of candidate i
 * @param totals     {@code totals[i]}: the weighted sum for candidate i
 */
public record Explanation(
        List<Endpoint> candidates, List<String> scorers, double[] weights, double[][] scores, double[] totals) {

    public Explanation {
        candidates = List.copyOf(candidates);
        scorers = List.copyOf(scorers);
        weights = weights.clone();
        double[][] copy = new double[scores.length][];
        for (int k = 0; k < scores.length; k++) {
            copy[k] = scores[k].clone();
        }
        scores = copy;
        totals = totals.clone();
        Objects.requireNonNull(candidates);
    }

    /** {@code endpoint name: total (scorer=score, ...)} per candidate, best first is not implied. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < candidates.size(); i++) {
            if (i > 0) {
                b.append("; ");
            }
            b.append(candidates.get(i).name())
                    .append('=')
                    .append(round(totals[i]))
                    .append(" (");
            for (int k = 0; k < scorers.size(); k++) {
                b.append(k == 0 ? "" : ", ").append(scorers.get(k)).append('=').append(round(scores[k][i]));
            }
            b.append(')');
        }
        return b.toString();
    }

    private static String round(double v) {
        return String.valueOf(Math.round(v * 1000) / 1000.0);
    }
}
