package io.infergate.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.engine.Histogram;
import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import io.infergate.simulator.metrics.PrometheusTextParser.Family;
import io.infergate.simulator.metrics.PrometheusTextParser.Sample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test support: structural checks of a scrape and comparisons with engine values. Stateless. */
final class ScrapeAssertions {

    private ScrapeAssertions() {}

    /** {@code labels("a", "1", "b", "2")}. */
    static Map<String, String> labels(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    static Map<String, String> with(Map<String, String> base, String name, String value) {
        Map<String, String> out = new LinkedHashMap<>(base);
        out.put(name, value);
        return out;
    }

    /**
     * Parses {@code text} and checks what every scrape must satisfy: it ends with a newline, every family has
     * exactly one TYPE (the parser already refuses a second HELP or TYPE), a HELP unless it is one of
     * {@code undescribed}, and every histogram series has ascending bounds, non-decreasing cumulative counts,
     * a {@code +Inf} bucket equal to {@code _count}, and a {@code _sum}.
     */
    static Exposition parseWellFormed(String text, String... undescribed) {
        assertThat(text).endsWith("\n");
        Exposition e = PrometheusTextParser.parse(text);
        List<String> withoutHelp = List.of(undescribed);
        for (Family f : e.families()) {
            assertThat(f.declaredType()).as("TYPE of %s", f.name()).isTrue();
            assertThat(f.help() != null).as("HELP of %s", f.name()).isEqualTo(!withoutHelp.contains(f.name()));
            assertThat(f.samples()).as("samples of %s", f.name()).isNotEmpty();
            if (f.type().equals("histogram")) {
                assertHistogramShape(f);
            }
        }
        return e;
    }

    private static void assertHistogramShape(Family f) {
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new HashMap<>();
        Map<Map<String, String>, Double> sums = new HashMap<>();
        for (Sample s : f.samples()) {
            Map<String, String> series = new HashMap<>(s.labels());
            series.remove("le");
            if (s.name().equals(f.name() + "_bucket")) {
                buckets.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
            } else if (s.name().equals(f.name() + "_count")) {
                counts.put(series, s.value());
            } else {
                assertThat(s.name()).isEqualTo(f.name() + "_sum");
                sums.put(series, s.value());
            }
        }
        assertThat(counts.keySet()).isEqualTo(buckets.keySet()).isEqualTo(sums.keySet());
        buckets.forEach((series, list) -> {
            double prevLe = Double.NEGATIVE_INFINITY;
            double prevCount = 0;
            for (Sample b : list) {
                double le = Double.parseDouble(b.labels().get("le").replace("Inf", "Infinity"));
                assertThat(le).as("%s%s le order", f.name(), series).isGreaterThan(prevLe);
                assertThat(b.value()).as("%s%s cumulative", f.name(), series).isGreaterThanOrEqualTo(prevCount);
                prevLe = le;
                prevCount = b.value();
            }
            assertThat(list.get(list.size() - 1).labels().get("le")).isEqualTo("+Inf");
            assertThat(prevCount).as("%s%s +Inf == _count", f.name(), series).isEqualTo(counts.get(series));
        });
    }

    /** The series {@code labels} of histogram {@code name} holds exactly {@code expected}'s bounds and counts. */
    static void assertHistogram(Exposition e, String name, Map<String, String> labels, Histogram.Snapshot expected) {
        List<Sample> buckets = e.find(name + "_bucket", labels).stream()
                .filter(s -> s.labels().size() == labels.size() + 1)
                .toList();
        double[] bounds = expected.bounds();
        long[] cumulative = expected.cumulativeCounts();
        assertThat(buckets).as("%s%s buckets", name, labels).hasSize(bounds.length + 1);
        for (int i = 0; i < bounds.length; i++) {
            Sample b = buckets.get(i);
            assertThat(Double.parseDouble(b.labels().get("le")))
                    .as("%s le #%d", name, i)
                    .isEqualTo(bounds[i]);
            assertThat(b.value())
                    .as("%s bucket le=%s", name, b.labels().get("le"))
                    .isEqualTo(cumulative[i]);
        }
        assertThat(buckets.get(bounds.length).labels().get("le")).isEqualTo("+Inf");
        assertThat(buckets.get(bounds.length).value()).isEqualTo(cumulative[bounds.length]);
        assertThat(e.value(name + "_count", labels)).as("%s_count", name).isEqualTo(expected.count());
        assertThat(e.value(name + "_sum", labels)).as("%s_sum", name).isEqualTo(expected.sum());
    }

    static void assertValue(Exposition e, String name, Map<String, String> labels, double expected) {
        assertThat(e.value(name, labels)).as("%s%s", name, labels).isEqualTo(expected);
    }
}
