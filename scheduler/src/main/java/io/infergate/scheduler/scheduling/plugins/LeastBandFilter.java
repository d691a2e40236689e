package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;

/**
 * GIE v0.5 {@code least-queue-filter} and {@code least-kv-cache-filter}: keeps the endpoints in the lowest band of
 * the metric, {@code min <= v <= min + (max - min) / n} over the candidates with a known value. With no known
 * value nothing is kept (the filter fails and a decision tree falls back).
 */
public final class LeastBandFilter implements SelectingFilter {

    public static final String QUEUE_TYPE = "least-queue-filter";
    public static final String KV_TYPE = "least-kv-cache-filter";

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
