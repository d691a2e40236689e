package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Picker;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import java.util.Objects;

/** GIE {@code random-picker}: shuffle, take N; scores are ignored. */
public final class RandomPicker implements Picker {

    public static final String TYPE = PluginTypes.RANDOM_PICKER;

    /** Builds it from its instance name, with the pickers' {@code maxNumOfEndpoints}. */
    public static final PluginFactory FACTORY = PluginFactory.picker(TYPE, RandomPicker::new);

    private final String name;

    public RandomPicker() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public RandomPicker(String name) {
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
        return Shuffle.head(Shuffle.permutation(candidates.size(), ctx.random()), max);
    }
}
