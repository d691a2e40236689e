package io.infergate.simulator.fault;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a replica's {@code GET /metrics} does wrong, if anything. Written in lower case in JSON and on the CLI. */
public enum MetricsFault {
    /** Served normally. */
    NONE,
    /** Served after {@link FaultConfig#metricsDelayMs()} (a scrape that times out or arrives late). */
    SLOW,
    /** Answered with a 500 and an error body instead of metrics. */
    FAILING,
    /** Served with a 200 but syntactically broken exposition text. */
    GARBLED;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code none|slow|failing|garbled} (case-insensitive).
     *
     * @throws IllegalArgumentException listing the accepted values
     */
    @JsonCreator
    public static MetricsFault byId(String id) {
        for (MetricsFault f : values()) {
            if (f.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("metricsFault: '" + id + "' (expected one of: "
                + Arrays.stream(values()).map(MetricsFault::id).collect(Collectors.joining(", ")) + ")");
    }
}
