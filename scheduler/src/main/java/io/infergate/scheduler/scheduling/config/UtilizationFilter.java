package io.infergate.scheduler.scheduling.config;

import io.infergate.scheduler.admission.EndpointSignals;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.plugins.SelectingFilter;
import java.util.Arrays;
import java.util.Objects;

/**
 * GIE's {@code utilization-detector} in its filter role, for a profile or decision tree that names the detector
 * plugin: keeps the candidates whose metrics are fresh and below the thresholds relaxed by {@code headroom}
 * ({@link UtilizationSaturationDetector#passes}); when none passes it keeps them all (GIE's fail-open), so it never
 * fails a profile. An endpoint without a successful scrape, or whose latest scrape failed, has no fresh metrics.
 *
 * <p>Immutable and thread-safe; runs on the deciding thread, allocation-free but for the result.
 */
final class UtilizationFilter implements SelectingFilter {

    private final String name;
    private final UtilizationSaturationDetector detector;

    UtilizationFilter(String name, UtilizationSaturationDetector.Config config) {
        this.name = Objects.requireNonNull(name, "name");
        this.detector = new UtilizationSaturationDetector(config);
    }

    @Override
    public String type() {
        return UtilizationSaturationDetector.TYPE;
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
            keep[i] = detector.passes(signals(c.scraped(i), ctx.nowNanos()));
            any |= keep[i];
        }
        if (!any) {
            Arrays.fill(keep, true);
        }
        return keep;
    }

    /** The same view of an endpoint as the scheduler's admission check. */
    private static EndpointSignals signals(ScrapedMetrics s, long now) {
        ModelServerMetrics m = s.metrics();
        if (s.failure() != null || !s.everRead() || !m.hasWaitingQueue() || !m.hasKvUsage()) {
            return EndpointSignals.NO_METRICS;
        }
        return EndpointSignals.of(s.ageNanos(now), m.waitingQueue(), m.kvUsage());
    }
}
