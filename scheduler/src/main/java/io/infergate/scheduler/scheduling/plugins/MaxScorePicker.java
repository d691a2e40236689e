package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Picker;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import java.util.Objects;

/** GIE {@code max-score-picker}: shuffle, stable sort by total score descending (random tie-break), take N. */
public final class MaxScorePicker implements Picker {

    public static final String TYPE = PluginTypes.MAX_SCORE_PICKER;

    /** Builds it from its instance name, with the pickers' {@code maxNumOfEndpoints}. */
    public static final PluginFactory FACTORY = PluginFactory.picker(TYPE, MaxScorePicker::new);

    private final String name;

    public MaxScorePicker() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public MaxScorePicker(String name) {
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
    public int[] pick(SchedulingContext ctx, Candidates candidates, double[] totals, int max) {
        int[] order = Shuffle.permutation(candidates.size(), ctx.random());
        return Shuffle.topDescending(order, totals, max);
    }
}
