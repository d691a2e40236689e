package io.infergate.bench.results;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The results of one sweep: one workload, several policies (or targets, for real-time runs), several rates, one or
 * more seeds. What the report writers turn into JSON, Markdown and charts. Immutable.
 *
 * @param workload    the workload's name, e.g. {@code shared-prefix}
 * @param description one line on the workload and fleet, for titles
 * @param settings    the run's parameters (fleet, preset, scrape interval, duration, seeds, command line...), in
 *                    insertion order, written as they are
 * @param points      one per (policy, rate, seed)
 */
public record SweepReport(String workload, String description, Map<String, String> settings, List<Point> points) {

    public SweepReport {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(description, "description");
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        points = List.copyOf(points);
    }

    /**
     * One run.
     *
     * @param policy the policy (lab) or target (real time) name
     * @param rate   offered load, requests per second
     * @param seed   the workload seed
     */
    public record Point(String policy, double rate, long seed, RunSummary summary) {
        public Point {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(summary, "summary");
        }
    }
}
