package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import java.util.Objects;
import java.util.Set;

/**
 * GIE {@code lora-affinity-scorer}, in GIE's order: the target model is a running adapter 1.0; there is room for
 * one more adapter ({@code active + waiting < max}) 0.8; it is a waiting adapter 0.6; otherwise 0. An endpoint
 * without LoRA info has no adapters and no room (GIE's zero values), so it scores 0.
 */
public final class LoraAffinityScorer implements Scorer {

    public static final String TYPE = PluginTypes.LORA_AFFINITY_SCORER;

    /** Builds it from its instance name; it has no parameters. */
    public static final PluginFactory FACTORY = PluginFactory.scorer(TYPE, LoraAffinityScorer::new);

    private final String name;

    public LoraAffinityScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public LoraAffinityScorer(String name) {
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
    public void score(SchedulingContext ctx, Candidates c, double[] scores) {
        String target = ctx.request().targetModel();
        for (int i = 0; i < c.size(); i++) {
            scores[i] = score(c.metrics(i), target);
        }
    }

    static double score(ModelServerMetrics m, String target) {
        if (!m.hasLoraInfo()) {
            return 0.0;
        }
        Set<String> active = m.activeAdapters();
        Set<String> waiting = m.waitingAdapters();
        if (active.contains(target)) {
            return 1.0;
        }
        if (m.hasMaxLoras() && active.size() + waiting.size() < m.maxLoras()) {
            return 0.8;
        }
        if (waiting.contains(target)) {
            return 0.6;
        }
        return 0.0;
    }
}
