package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import io.infergate.scheduler.scheduling.config.PluginInstance;
import java.util.Arrays;

/**
 * GIE v0.5 {@code lora-affinity-filter} (soft affinity): "affinity" endpoints have the target adapter running or
 * waiting, "available" ones have room for one more adapter ({@code active + waiting < max}). With both groups
 * non-empty it keeps the affinity group with probability {@code threshold} (default 0.999), else the available
 * group; with one non-empty it keeps that one; with none it fails, or, built fail-open (Infergate's default profile),
 * keeps every candidate: an engine that never ran an adapter exposes no LoRA info at all, so a fleet that has not
 * served an adapter yet has neither group.
 */
public final class LoraAffinityFilter implements SelectingFilter {

    public static final String TYPE = PluginTypes.LORA_AFFINITY_FILTER;
    public static final double DEFAULT_THRESHOLD = 0.999;

    /** Reads {@code threshold} (a fraction in 0..1, default {@value #DEFAULT_THRESHOLD}). */
    public static final PluginFactory FACTORY = (name, p, h) -> new PluginInstance.Filter(
            name, TYPE, new LoraAffinityFilter(name, p.number("threshold", 0, 1).orElse(DEFAULT_THRESHOLD)));

    private final String name;
    private final double threshold;
    private final boolean failOpen;

    public LoraAffinityFilter(String name, double threshold) {
        this(name, threshold, false);
    }

    /** @param failOpen keep every candidate, instead of none, when no candidate has affinity or room */
    public LoraAffinityFilter(String name, double threshold, boolean failOpen) {
        this.failOpen = failOpen;
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold: " + threshold + " (expected: 0..1)");
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

    public double threshold() {
        return threshold;
    }

    @Override
    public boolean[] select(SchedulingContext ctx, Candidates c) {
        int n = c.size();
        String target = ctx.request().targetModel();
        boolean[] affinity = new boolean[n];
        boolean[] available = new boolean[n];
        boolean anyAffinity = false;
        boolean anyAvailable = false;
        for (int i = 0; i < n; i++) {
            ModelServerMetrics m = c.metrics(i);
            if (!m.hasLoraInfo()) {
                continue;
            }
            affinity[i] = runsOrQueues(m, target);
            available[i] = hasRoom(m);
            anyAffinity |= affinity[i];
            anyAvailable |= available[i];
        }
        if (anyAffinity && anyAvailable) {
            return ctx.random().nextDouble() < threshold ? affinity : available;
        }
        if (!anyAffinity && !anyAvailable && failOpen) {
            Arrays.fill(available, true);
            return available;
        }
        return anyAffinity ? affinity : available;
    }

    /** GIE's "affinity": the endpoint runs or queues {@code target} (the metrics must have LoRA info). */
    static boolean runsOrQueues(ModelServerMetrics m, String target) {
        return m.activeAdapters().contains(target) || m.waitingAdapters().contains(target);
    }

    /** GIE's "available": room for one more adapter, {@code active + waiting < max} (LoRA info required). */
    static boolean hasRoom(ModelServerMetrics m) {
        return m.hasMaxLoras()
                && m.activeAdapters().size() + m.waitingAdapters().size() < m.maxLoras();
    }
}
