package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Picker;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import java.util.Objects;

/**
 * GIE {@code weighted-random-picker}: Efraimidis-Spirakis A-Res sampling without replacement, key = U^(1/score)
 * (score <= 0 gives key 0), top N keys; when every score is 0 it is a random picker.
 */
public final class WeightedRandomPicker implements Picker {

    public static final String TYPE = PluginTypes.WEIGHTED_RANDOM_PICKER;

    /** Builds it from its instance name, with the pickers' {@code maxNumOfEndpoints}. */
    public static final PluginFactory FACTORY = PluginFactory.picker(TYPE, WeightedRandomPicker::new);

    private final String name;

    public WeightedRandomPicker() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public WeightedRandomPicker(String name) {
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
        int n = candidates.size();
        double[] keys = new double[n];
        boolean anyPositive = false;
        for (int i = 0; i < n; i++) {
            double u = ctx.random().nextDouble();
            if (totals[i] > 0) {
                keys[i] = Math.pow(u, 1.0 / totals[i]);
                anyPositive = true;
            }
        }
        int[] order = Shuffle.permutation(n, ctx.random());
        return anyPositive ? Shuffle.topDescending(order, keys, max) : Shuffle.head(order, max);
    }
}
