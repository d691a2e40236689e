package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import io.infergate.scheduler.scheduling.config.PluginInstance;

/**
 * GIE v0.5 {@code low-queue-filter}: keeps endpoints whose waiting queue is at most {@code threshold} (default 128;
 * v0.5.1 uses {@code <=}, v0.3.0's hard-coded tree used {@code <}). An unknown queue is not kept.
 */
public final class LowQueueFilter implements SelectingFilter {

    public static final String TYPE = PluginTypes.LOW_QUEUE_FILTER;
    public static final int DEFAULT_THRESHOLD = 128;

    /** Reads {@code threshold} (0 or more, default {@value #DEFAULT_THRESHOLD}). */
    public static final PluginFactory FACTORY = (name, p, h) -> new PluginInstance.Filter(
            name,
            TYPE,
            new LowQueueFilter(
                    name, p.integer("threshold", 0, Integer.MAX_VALUE).orElse(DEFAULT_THRESHOLD)));

    private final String name;
    private final int threshold;

    public LowQueueFilter(String name, int threshold) {
        if (threshold < 0) {
            throw new IllegalArgumentException("threshold: " + threshold + " (expected: >= 0)");
        }
        this.name = name;
        this.threshold = threshold;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String name() {
        return name;
    }

    public int threshold() {
        return threshold;
    }

    @Override
    public boolean[] select(SchedulingContext ctx, Candidates c) {
        boolean[] keep = new boolean[c.size()];
        for (int i = 0; i < c.size(); i++) {
            keep[i] = c.metrics(i).hasWaitingQueue() && c.metrics(i).waitingQueue() <= threshold;
        }
        return keep;
    }
}
