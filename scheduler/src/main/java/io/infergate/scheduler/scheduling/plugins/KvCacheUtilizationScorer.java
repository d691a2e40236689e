package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.SchedulingContext;

/** GIE {@code kv-cache-utilization-scorer} (v0.5 name {@code kv-cache-scorer}): 1 - KV usage; unknown scores 0. */
public final class KvCacheUtilizationScorer implements Scorer {

    public static final String TYPE = "kv-cache-utilization-scorer";
    public static final String LEGACY_TYPE = "kv-cache-scorer";

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
