package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;

/**
 * GIE v0.5 {@code low-queue-filter}: keeps endpoints whose waiting queue is at most {@code threshold} (default 128;
 * v0.5.1 uses {@code <=}, v0.3.0's hard-coded tree used {@code <}). An unknown queue is not kept.
 */
public final class LowQueueFilter implements SelectingFilter {

    public static final String TYPE = "low-queue-filter";
    public static final int DEFAULT_THRESHOLD = 128;

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
