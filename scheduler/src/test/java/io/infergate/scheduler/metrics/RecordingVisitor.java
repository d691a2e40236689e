package io.infergate.scheduler.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test support: a visitor that copies every sample (and HELP text, if asked) out of the reused view. */
final class RecordingVisitor implements SampleVisitor {

    /** One copied sample. */
    record Rec(
            String name,
            String family,
            SampleSuffix suffix,
            MetricType type,
            Map<String, String> labels,
            double value,
            boolean hasTimestamp,
            long timestampMs,
            int line) {}

    final List<Rec> samples = new ArrayList<>();
    final List<String> help = new ArrayList<>();
    private final boolean wantsHelp;

    RecordingVisitor() {
        this(false);
    }

    RecordingVisitor(boolean wantsHelp) {
        this.wantsHelp = wantsHelp;
    }

    static List<Rec> parse(String text, String... families) {
        RecordingVisitor v = new RecordingVisitor();
        new PrometheusTextParser(List.of(families)).parse(text, v);
        return v.samples;
    }

    @Override
    public void sample(Sample s) {
        samples.add(new Rec(
                s.name(),
                s.familyName(),
                s.suffix(),
                s.type(),
                Map.copyOf(s.labels()),
                s.value(),
                s.hasTimestamp(),
                s.timestampMs(),
                s.line()));
    }

    @Override
    public boolean wantsHelp() {
        return wantsHelp;
    }

    @Override
    public void help(int family, String text) {
        help.add(family + ":" + text);
    }
}
