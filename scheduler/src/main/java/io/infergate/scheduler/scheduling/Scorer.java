package io.infergate.scheduler.scheduling;

/**
 * Scores every candidate (GIE Scorer): writes {@code scores[i]} for candidate {@code i}, ideally in [0, 1]; the
 * profile clamps out-of-range values and NaN to that range (NaN to 0). Runs on the deciding thread, must not
 * block or keep references to its arguments.
 */
public interface Scorer extends Plugin {

    void score(SchedulingContext ctx, Candidates candidates, double[] scores);
}
