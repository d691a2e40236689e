package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.config.PluginFactory;

/** GIE {@code kv-cache-utilization-scorer} (v0.5 name {@code kv-cache-scorer}): 1 - KV usage; unknown scores 0. */
public final class KvCacheUtilizationScorer implements Scorer {

    public static final String TYPE = PluginTypes.KV_CACHE_UTILIZATION_SCORER;
    public static final String LEGACY_TYPE = PluginTypes.KV_CACHE_SCORER;

    /** Builds it from its instance name; it has no parameters. */
    public static final PluginFactory FACTORY = PluginFactory.scorer(TYPE, n -> new KvCacheUtilizationScorer(TYPE, n));
    /** The same under its GIE v0.5 name. */
    public static final PluginFactory LEGACY_FACTORY =
            PluginFactory.scorer(LEGACY_TYPE, n -> new KvCacheUtilizationScorer(LEGACY_TYPE, n));

    private final String type;
    private final String name;

    public KvCacheUtilizationScorer() {
        this(TYPE);
    }

    /** @param type the name it was configured by ({@link #TYPE} or {@link #LEGACY_TYPE}) */
    public KvCacheUtilizationScorer(String type) {
        this(type, type);
    }

    /**
     * @param type the name it was configured by ({@link #TYPE} or {@link #LEGACY_TYPE})
     * @param name the instance name of an EndpointPickerConfig plugin (defaults to the type)
     */
    public KvCacheUtilizationScorer(String type, String name) {
        this.type = type;
        this.name = name;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void score(SchedulingContext ctx, Candidates c, double[] scores) {
        for (int i = 0; i < c.size(); i++) {
            scores[i] = c.metrics(i).hasKvUsage() ? 1.0 - c.metrics(i).kvUsage() : 0.0;
        }
    }
}
