package io.infergate.scheduler.scheduling;

/**
 * Chooses candidates from their total scores (GIE Picker): returns up to {@code max} candidate positions, best
 * first, without duplicates. Runs on the deciding thread; randomness only from the context.
 */
public interface Picker extends Plugin {

    int[] pick(SchedulingContext ctx, Candidates candidates, double[] totals, int max);
}
