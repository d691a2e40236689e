package io.infergate.bench.chaos;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The outcomes of a set of requests, counted: completed, cleanly failed (of which shed: 429), unmapped, lost and
 * hung, with the completed requests' TTFT and latency in microseconds. Built once by {@link #of}; not modified
 * afterwards, safe to read from any thread. Lost and hung are the two counts that must be 0.
 *
 * @param examples the first few reasons of unmapped, lost and hung requests, for the log
 */
public record Tally(
        int requests,
        int completed,
        int failed,
        int shed,
        int retryAfter,
        int unmapped,
        int lost,
        int hung,
        Histogram ttftMicros,
        Histogram latencyMicros,
        List<String> examples) {

    private static final int EXAMPLES = 5;

    /** Counts {@code outcomes}. */
    public static Tally of(List<Outcome> outcomes) {
        int completed = 0;
        int failed = 0;
        int shed = 0;
        int retryAfter = 0;
        int unmapped = 0;
        int lost = 0;
        int hung = 0;
        Histogram ttft = new Histogram(3);
        Histogram latency = new Histogram(3);
        List<String> examples = new ArrayList<>();
        for (Outcome o : outcomes) {
            switch (o) {
                case Outcome.Completed c -> {
                    completed++;
                    ttft.recordValue(Math.max(0, c.ttftNanos() / 1000));
                    latency.recordValue(Math.max(0, c.totalNanos() / 1000));
                }
                case Outcome.Failed f -> {
                    failed++;
                    if (f.status() == 429) {
                        shed++;
                    }
                    if (f.retryAfter()) {
                        retryAfter++;
                    }
                }
                case Outcome.Unmapped u -> {
                    unmapped++;
                    note(examples, "unmapped " + u.status() + ": " + u.why());
                }
                case Outcome.Lost l -> {
                    lost++;
                    note(examples, "lost: " + l.why());
                }
                case Outcome.Hung h -> {
                    hung++;
                    note(examples, "hung (" + (h.started() ? "after" : "before") + " the status line)");
                }
            }
        }
        return new Tally(
                outcomes.size(),
                completed,
                failed,
                shed,
                retryAfter,
                unmapped,
                lost,
                hung,
                ttft,
                latency,
                List.copyOf(examples));
    }

    private static void note(List<String> examples, String s) {
        if (examples.size() < EXAMPLES && !examples.contains(s)) {
            examples.add(s);
        }
    }

    /** Requests that got no answer at all or none within their deadline: must be 0. */
    public int unanswered() {
        return lost + hung;
    }

    /** The completed requests' TTFT percentile in milliseconds; NaN when none completed. */
    public double ttftMillis(double percentile) {
        return completed == 0 ? Double.NaN : ttftMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The completed requests' latency percentile in milliseconds; NaN when none completed. */
    public double latencyMillis(double percentile) {
        return completed == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
}
