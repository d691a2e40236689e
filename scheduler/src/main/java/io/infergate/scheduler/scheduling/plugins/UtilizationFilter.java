package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.load.Params;
import io.infergate.scheduler.admission.PoolSignals;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import io.infergate.scheduler.scheduling.config.PluginInstance;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * GIE's {@code utilization-detector} in its filter role, for a profile or decision tree that names the detector
 * plugin: keeps the candidates whose metrics are fresh and below the thresholds relaxed by {@code headroom}
 * ({@link UtilizationSaturationDetector#passes}); when none passes it keeps them all (GIE's fail-open), so it never
 * fails a profile. An endpoint without a successful scrape, or whose latest scrape failed, has no fresh metrics.
 *
 * <p>Immutable and thread-safe; runs on the deciding thread, allocation-free but for the result.
 */
public final class UtilizationFilter implements SelectingFilter {

    public static final String TYPE = UtilizationSaturationDetector.TYPE;

    /**
     * Builds the {@code utilization-detector} plugin, the saturation detector with this filter for its filter role:
     * {@code queueDepthThreshold} (1 or more, default 5), {@code kvCacheUtilThreshold} (a fraction in (0, 1],
     * default 0.8), {@code metricsStalenessThreshold} (a duration > 0, default 200ms), {@code headroom} (a fraction
     * >= 0, default 0; above 1 a warning).
     */
    public static final PluginFactory FACTORY = UtilizationFilter::create;

    private final String name;
    private final UtilizationSaturationDetector detector;

    public UtilizationFilter(String name, UtilizationSaturationDetector.Config config) {
        this.name = Objects.requireNonNull(name, "name");
        this.detector = new UtilizationSaturationDetector(config);
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
    public boolean[] select(SchedulingContext ctx, Candidates c) {
        int n = c.size();
        boolean[] keep = new boolean[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            keep[i] = detector.passes(PoolSignals.of(c.scraped(i), ctx.nowNanos()));
            any |= keep[i];
        }
        if (!any) {
            Arrays.fill(keep, true);
        }
        return keep;
    }

    // --- the factory

    private static PluginInstance create(String name, Params p, PluginFactory.Handle h) {
        UtilizationSaturationDetector.Config d = UtilizationSaturationDetector.Config.DEFAULT;
        int queue = p.integer("queueDepthThreshold", 1, Integer.MAX_VALUE).orElse(d.queueDepthThreshold());
        double kv = d.kvCacheUtilThreshold();
        OptionalDouble kvValue = p.number("kvCacheUtilThreshold");
        if (kvValue.isPresent() && !(kvValue.getAsDouble() > 0 && kvValue.getAsDouble() <= 1)) {
            p.error("kvCacheUtilThreshold", "found " + kvValue.getAsDouble() + " (expected: a fraction in (0, 1])");
        } else if (kvValue.isPresent()) {
            kv = kvValue.getAsDouble();
        }
        Duration staleness = d.metricsStalenessThreshold();
        Optional<Duration> st = p.duration("metricsStalenessThreshold");
        if (st.isPresent() && (st.get().isNegative() || st.get().isZero())) {
            p.error("metricsStalenessThreshold", "found " + st.get() + " (expected: a duration > 0)");
        } else if (st.isPresent()) {
            staleness = st.get();
        }
        double headroom = d.headroom();
        OptionalDouble hr = p.number("headroom");
        if (hr.isPresent() && hr.getAsDouble() < 0) {
            p.error("headroom", "found " + hr.getAsDouble() + " (expected: a fraction >= 0, e.g. 0.2 for 20%)");
        } else if (hr.isPresent()) {
            headroom = hr.getAsDouble();
            if (headroom > 1.0) {
                p.warning(
                        "headroom",
                        "unusually high: " + headroom + " lets endpoints take " + (1 + headroom)
                                + " times the thresholds (expected: a fraction, e.g. 0.2 for 20%, not a percentage)");
            }
        }
        UtilizationSaturationDetector.Config config =
                new UtilizationSaturationDetector.Config(queue, kv, staleness, headroom);
        return new PluginInstance.SaturationDetector(name, config, new UtilizationFilter(name, config));
    }
}
