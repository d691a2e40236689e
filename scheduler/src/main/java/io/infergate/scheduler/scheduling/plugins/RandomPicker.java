package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Picker;
import io.infergate.scheduler.scheduling.SchedulingContext;

/** GIE {@code random-picker}: shuffle, take N; scores are ignored. */
public final class RandomPicker implements Picker {

    public static final String TYPE = "random-picker";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int[] pick(SchedulingContext ctx, Candidates candidates, double[] totals, int max) {
        return Shuffle.head(Shuffle.permutation(candidates.size(), ctx.random()), max);
    }
}
