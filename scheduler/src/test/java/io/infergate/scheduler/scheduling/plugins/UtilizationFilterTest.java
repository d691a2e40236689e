package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.NOW;
import static io.infergate.scheduler.scheduling.plugins.Table.candidates;
import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.flags;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code utilization-detector} as a filter, with GIE's defaults (queue below 5, KV below 0.8, metrics at most 200 ms
 * old): keeps the endpoints below the thresholds with fresh metrics; when none is, keeps them all (fail-open).
 * Each endpoint is written {@code queue/kv/ageMillis} (kv NaN: unknown), or {@code failed} (latest scrape failed) or {@code never}.
 */
class UtilizationFilterTest {

    @ParameterizedTest(name = "[{0}], headroom {1}: keep [{2}]")
    @CsvSource({
        "1/0.1/10 4/0.79/10,          0,    T T",
        "1/0.1/10 5/0.1/10,           0,    T F",
        "1/0.1/10 1/0.8/10,           0,    T F",
        "1/0.1/10 1/0.1/201,          0,    T F",
        "1/0.1/10 1/0.1/200,          0,    T T",
        "1/0.1/10 failed never,       0,    T F F",
        "9/0.9/10 failed never,       0,    T T T",
        "1/NaN/10 2/0.1/10,           0,    T T",
        "5/NaN/10 2/0.1/10,           0,    F T",
        "-1/NaN/10 2/0.1/10,          0,    F T",
        "6/0.1/10 1/0.9/10,           0.5,  T T",
    })
    // NaN: a KV usage the engine does not export (TGI) is judged by its queue alone; -1/NaN: no signal at all
    void keepsTheEndpointsBelowTheThresholdsOrAllWhenNoneIs(String endpoints, double headroom, String expected) {
        UtilizationFilter f = new UtilizationFilter(
                "d", new UtilizationSaturationDetector.Config(5, 0.8, Duration.ofMillis(200), headroom));
        List<ScrapedMetrics> metrics = new ArrayList<>();
        for (String e : endpoints.trim().split("\\s+")) {
            metrics.add(endpoint(e));
        }

        assertThat(f.select(ctx(1), candidates(metrics, new int[metrics.size()], new long[metrics.size()])))
                .containsExactly(flags(expected));
    }

    private static ScrapedMetrics endpoint(String cell) {
        if (cell.equals("never")) {
            return ScrapedMetrics.notYet("vllm");
        }
        if (cell.equals("failed")) {
            return Table.metrics(0, 0, 0.0).failed("connection refused");
        }
        String[] v = cell.split("/");
        ModelServerMetrics m = new ModelServerMetrics(
                "vllm", Integer.parseInt(v[0]), 0, Double.parseDouble(v[1]), null, null, -1, 16, 1000, List.of());
        return new ScrapedMetrics(m, NOW - Long.parseLong(v[2]) * 1_000_000L, null);
    }
}
