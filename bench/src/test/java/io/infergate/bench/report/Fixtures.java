package io.infergate.bench.report;

import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.results.SweepReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-made summaries and reports: every metric derived from one number, so expected values are easy to state. */
final class Fixtures {

    private Fixtures() {}

    /**
     * A summary whose latencies are {@code ttftP90} times a per-metric factor and whose throughputs follow
     * {@code tokensPerSec}.
     */
    static RunSummary summary(int sent, int shed, int failed, double ttftP90, double tokensPerSec) {
        int completed = sent - shed - failed;
        return new RunSummary(
                sent,
                completed,
                shed,
                failed,
                60,
                ttftP90 * 0.6,
                ttftP90 * 0.5,
                ttftP90,
                ttftP90 * 2,
                10,
                20,
                30,
                12,
                24,
                ttftP90 * 5,
                ttftP90 * 8,
                ttftP90 * 10,
                tokensPerSec,
                tokensPerSec * 4,
                completed / 60.0,
                completed / 120.0,
                completed / (2.0 * sent),
                0.5,
                Slo.INTERACTIVE);
    }

    static SweepReport.Point point(String policy, double rate, long seed, double ttftP90, double tokensPerSec) {
        return new SweepReport.Point(policy, rate, seed, summary(100, 0, 0, ttftP90, tokensPerSec));
    }

    static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("fleet", "4 x sim-H100");
        s.put("duration", "60 s");
        s.put("seeds", "1,2");
        return s;
    }

    /** Three policies at two rates, two seeds each; "random" saturates at 8 req/s. */
    static SweepReport sweep() {
        List<SweepReport.Point> ps = new ArrayList<>();
        for (long seed : new long[] {1, 2}) {
            double d = seed == 1 ? 0.9 : 1.1;
            ps.add(point("round-robin", 2, seed, 120 * d, 900 * d));
            ps.add(point("prefix-aware", 2, seed, 80 * d, 1000 * d));
            ps.add(point("random", 2, seed, 150 * d, 850 * d));
            ps.add(point("round-robin", 8, seed, 1500 * d, 3000 * d));
            ps.add(point("prefix-aware", 8, seed, 400 * d, 3600 * d));
            ps.add(point("random", 8, seed, 40_000 * d, 2000 * d));
        }
        return new SweepReport("shared-prefix", "8 system prompts x 64 users, 4 simulated H100s", settings(), ps);
    }
}
