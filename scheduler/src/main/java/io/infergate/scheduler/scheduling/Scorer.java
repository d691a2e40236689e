package io.infergate.scheduler.scheduling;

/**
 * Scores every candidate (GIE Scorer): writes {@code scores[i]} for candidate {@code i}, ideally in [0, 1]; the
 * profile clamps out-of-range values and NaN to that range (NaN to 0). Runs on the deciding thread, must not
 * block or keep references to its arguments.
 */
public interface Scorer extends Plugin {

    /**
     * Writes candidate {@code i}'s score to {@code scores[i]}; {@code scores} arrives zeroed and at least
     * {@code candidates.size()} long, so a position left unwritten scores 0. The array may be reused for the
     * next scorer once the profile has read it: keep no reference to it.
     */
    void score(SchedulingContext ctx, Candidates candidates, double[] scores);
}
