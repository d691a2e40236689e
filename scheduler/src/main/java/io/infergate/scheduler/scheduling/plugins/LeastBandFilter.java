package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.config.PluginFactory;

/**
 * GIE v0.5 {@code least-queue-filter} and {@code least-kv-cache-filter}: keeps the endpoints in the lowest band of
 * the metric, {@code min <= v <= min + (max - min) / n} over the candidates with a known value. With no known
 * value nothing is kept (the filter fails and a decision tree falls back).
 */
public final class LeastBandFilter implements SelectingFilter {

    public static final String QUEUE_TYPE = PluginTypes.LEAST_QUEUE_FILTER;
    public static final String KV_TYPE = PluginTypes.LEAST_KV_CACHE_FILTER;

    /** Builds {@code least-queue-filter} from its instance name; it has no parameters. */
    public static final PluginFactory QUEUE_FACTORY = PluginFactory.filter(QUEUE_TYPE, LeastBandFilter::queue);
    /** Builds {@code least-kv-cache-filter} from its instance name; it has no parameters. */
    public static final PluginFactory KV_FACTORY = PluginFactory.filter(KV_TYPE, LeastBandFilter::kvCache);

    private final String type;
    private final String name;

    private LeastBandFilter(String type, String name) {
        this.type = type;
        this.name = name;
    }

    public static LeastBandFilter queue(String name) {
        return new LeastBandFilter(QUEUE_TYPE, name);
    }

    public static LeastBandFilter kvCache(String name) {
        return new LeastBandFilter(KV_TYPE, name);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String name() {
        return name;
    }

    private boolean known(ModelServerMetrics m) {
        return type.equals(QUEUE_TYPE) ? m.hasWaitingQueue() : m.hasKvUsage();
    }

    private double value(ModelServerMetrics m) {
        return type.equals(QUEUE_TYPE) ? m.waitingQueue() : m.kvUsage();
    }

    @Override
    public boolean[] select(SchedulingContext ctx, Candidates c) {
        int n = c.size();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (known(c.metrics(i))) {
                min = Math.min(min, value(c.metrics(i)));
                max = Math.max(max, value(c.metrics(i)));
            }
        }
        boolean[] keep = new boolean[n];
        if (min == Double.POSITIVE_INFINITY) {
            return keep;
        }
        double upper = min + (max - min) / n;
        for (int i = 0; i < n; i++) {
            keep[i] = known(c.metrics(i)) && value(c.metrics(i)) <= upper;
        }
        return keep;
    }
}
