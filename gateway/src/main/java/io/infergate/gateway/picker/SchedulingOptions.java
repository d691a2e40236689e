package io.infergate.gateway.picker;

import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import java.time.Duration;
import java.util.Objects;

/**
 * How the gateway schedules requests among a pool's endpoints. Immutable.
 *
 * @param defaultProfile  the built-in profile of pools without the {@code infergate.io/scheduling-profile}
 *                        annotation; default {@value BuiltInProfiles#INFERGATE_DEFAULT}
 * @param metricsInterval how often each endpoint's {@code /metrics} is scraped (GIE: 50 ms); zero turns scraping
 *                        off, and the scorers then see every endpoint as unknown (in-flight scorers still work)
 */
public record SchedulingOptions(String defaultProfile, Duration metricsInterval) {

    public SchedulingOptions {
        Objects.requireNonNull(defaultProfile, "defaultProfile");
        if (!BuiltInProfiles.NAMES.contains(defaultProfile)) {
            throw new IllegalArgumentException("defaultProfile: " + defaultProfile + " (expected one of: "
                    + String.join(", ", new java.util.TreeSet<>(BuiltInProfiles.NAMES)) + ")");
        }
        if (metricsInterval.isNegative()) {
            throw new IllegalArgumentException("metricsInterval: " + metricsInterval + " (expected: >= 0)");
        }
    }

    public static SchedulingOptions defaults() {
        return new SchedulingOptions(BuiltInProfiles.INFERGATE_DEFAULT, Duration.ofMillis(50));
    }

    public SchedulingOptions withDefaultProfile(String v) {
        return new SchedulingOptions(v, metricsInterval);
    }

    public SchedulingOptions withMetricsInterval(Duration v) {
        return new SchedulingOptions(defaultProfile, v);
    }
}
