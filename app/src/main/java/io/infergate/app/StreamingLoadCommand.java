package io.infergate.app;

import io.infergate.bench.realtime.LoadReportJson;
import io.infergate.bench.realtime.StreamingLoad;
import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.results.SweepReport;
import io.infergate.bench.workload.Arrivals;
import io.infergate.bench.workload.TraceFile;
import io.infergate.bench.workload.TraceFormatException;
import io.infergate.bench.workload.Workload;
import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.bench.workload.Workloads;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code infergate bench load}: a named workload (or a trace) sent open loop as streamed completions to one live
 * target, summarized with the policy lab's metrics ({@link RunSummary}) plus the client's inter-token times.
 * Options are checked before anything is sent; a bad one is a usage error (exit status 2) naming what was expected.
 * Runs on the calling thread and blocks until every request has ended (at the latest {@code --timeout} after its
 * scheduled time); exit status 0 when the run completed, whatever the requests' outcomes (they are in the report).
 */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Open-loop streaming load: sends a named workload (or a JSONL trace) to a target's"
                + " /v1/completions at a given arrival rate and reports TTFT, TPOT, NTPOT, inter-token times,"
                + " end-to-end latency, throughput, goodput under an SLO, prefix-cache hit rate, shed and failed"
                + " requests (latency from each request's scheduled send time).")
final class StreamingLoadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--target",
            required = true,
            description = "Base URL of the gateway, proxy or model server, e.g. http://127.0.0.1:8080; requests go"
                    + " to <target>/v1/completions.")
    URI target;

    @Option(
            names = "--workload",
            description = "Named workload: ${COMPLETION-CANDIDATES} (default: sharegpt).",
            completionCandidates = WorkloadNames.class)
    String workload;

    @Option(
            names = "--trace",
            description = "A JSONL trace (infergate's trace format) to replay at its own arrival"
                    + " times instead of a named workload.")
    Path trace;

    @Option(names = "--rate", defaultValue = "2", description = "Mean arrivals per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--arrivals",
            defaultValue = "poisson",
            description = "poisson, gamma (gaps with coefficient of variation --cv) or constant"
                    + " (default: ${DEFAULT-VALUE}).")
    String arrivals;

    @Option(
            names = "--cv",
            description = "--arrivals gamma: the gaps' coefficient of variation, > 1 is burstier"
                    + " than Poisson (default: 2).")
    Double cv;

    @Option(
            names = "--duration",
            defaultValue = "60",
            description = "Seconds of arrivals; with --trace, the trace is cut there (default: ${DEFAULT-VALUE}).")
    double duration;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Workload and arrival seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--max-requests",
            defaultValue = "100000",
            description = "Send at most this many requests (default: ${DEFAULT-VALUE}).")
    int maxRequests;

    @Option(
            names = "--slo-ttft-ms",
            defaultValue = "2000",
            description = "Goodput SLO: time to first token, ms (default: ${DEFAULT-VALUE}).")
    double sloTtftMs;

    @Option(
            names = "--slo-tpot-ms",
            defaultValue = "100",
            description = "Goodput SLO: time per output token, ms (default: ${DEFAULT-VALUE}).")
    double sloTpotMs;

    @Option(
            names = "--timeout",
            defaultValue = "300",
            description = "A request not finished this many seconds after its scheduled time fails"
                    + " (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--label", description = "The target's name in the report (default: the target's host:port).")
    String label;

    @Option(
            names = "--json",
            description =
                    "Also write the report (a SweepReport with one point, plus itlMillis)" + " as JSON to this file.")
    Path json;

    /** Completion candidates of {@code --workload}. */
    static final class WorkloadNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Workloads.NAMES.iterator();
        }
    }

    /**
     * What the options ask for, checked.
     *
     * @param requests the schedule, in arrival order
     * @param rate     the offered rate (a trace's: requests over its span)
     * @param slo      the goodput objective
     * @param settings the run's parameters, for the report
     */
    record Plan(
            String workloadName,
            String description,
            List<WorkloadRequest> requests,
            double rate,
            Slo slo,
            String label,
            Duration timeout,
            Map<String, String> settings) {}

    /** @throws ParameterException for any bad or contradictory option */
    Plan plan() {
        if (!"http".equalsIgnoreCase(target.getScheme()) || target.getHost() == null) {
            throw usage("--target: " + target + " (expected: http://HOST[:PORT])");
        }
        if (workload != null && trace != null) {
            throw usage("--workload and --trace: both given (expected: one of them)");
        }
        boolean explicitRate = matched("--rate") || matched("--arrivals") || matched("--cv");
        if (trace != null && explicitRate) {
            throw usage("--rate, --arrivals and --cv do not apply to --trace (it carries its own arrival times)");
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw usage("--rate: " + rate + " (expected: finite, > 0)");
        }
        String kind = arrivals.toLowerCase(Locale.ROOT);
        if (!List.of("poisson", "gamma", "constant").contains(kind)) {
            throw usage("--arrivals: " + arrivals + " (expected: poisson, gamma or constant)");
        }
        if (cv != null && !kind.equals("gamma")) {
            throw usage("--cv: applies to --arrivals gamma only");
        }
        double gaps = cv == null ? 2.0 : cv;
        if (!(gaps >= 0) || Double.isInfinite(gaps)) {
            throw usage("--cv: " + gaps + " (expected: finite, >= 0)");
        }
        if (!(duration > 0) || duration > 1e6) {
            throw usage("--duration: " + duration + " (expected: > 0 seconds, at most 1e6)");
        }
        if (maxRequests < 1) {
            throw usage("--max-requests: " + maxRequests + " (expected: >= 1)");
        }
        if (!(timeout > 0) || timeout > 1e6) {
            throw usage("--timeout: " + timeout + " (expected: > 0 seconds, at most 1e6)");
        }
        Slo slo;
        try {
            slo = new Slo(sloTtftMs, sloTpotMs);
        } catch (IllegalArgumentException e) {
            throw usage("--slo-ttft-ms / --slo-tpot-ms: " + e.getMessage());
        }
        if (label != null && label.isBlank()) {
            throw usage("--label: blank (expected: a name for the report)");
        }
        String name = label != null ? label : target.getHost() + (target.getPort() > 0 ? ":" + target.getPort() : "");
        long durationNanos = (long) (duration * 1e9);

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("target", target.toString());
        String workloadName;
        String description;
        List<WorkloadRequest> requests;
        double offered;
        if (trace != null) {
            try {
                requests = TraceFile.read(trace).stream()
                        .sorted(Comparator.comparingLong(WorkloadRequest::arrivalNanos))
                        .filter(r -> r.arrivalNanos() < durationNanos)
                        .limit(maxRequests)
                        .toList();
            } catch (UncheckedIOException | TraceFormatException e) {
                throw usage("--trace: " + e.getMessage());
            }
            if (requests.isEmpty()) {
                throw usage("--trace: " + trace + " has no request within --duration " + duration + " s");
            }
            long span = requests.get(requests.size() - 1).arrivalNanos();
            offered = span > 0 ? requests.size() / (span / 1e9) : requests.size();
            workloadName = "trace:" + trace.getFileName();
            description = "trace " + trace;
            settings.put("trace", trace.toString());
        } else {
            Workload w;
            try {
                w = Workloads.named(workload == null ? "sharegpt" : workload);
            } catch (IllegalArgumentException e) {
                throw usage("--workload: " + e.getMessage());
            }
            Arrivals a = Arrivals.stages(
                    switch (kind) {
                        case "poisson" -> 1.0;
                        case "constant" -> 0.0;
                        default -> gaps;
                    },
                    List.of(new Arrivals.Stage(rate, durationNanos)));
            requests = w.schedule(a, seed, maxRequests);
            offered = rate;
            workloadName = w.name();
            description = w.description();
            settings.put("workload", w.name());
            settings.put("arrivals", kind + (kind.equals("gamma") ? " cv " + gaps : ""));
            settings.put("rate", String.valueOf(rate));
        }
        settings.put("duration_s", String.valueOf(duration));
        settings.put("seed", String.valueOf(seed));
        settings.put("requests", String.valueOf(requests.size()));
        settings.put("timeout_s", String.valueOf(timeout));
        return new Plan(
                workloadName,
                description,
                requests,
                offered,
                slo,
                name,
                Duration.ofNanos((long) (timeout * 1e9)),
                settings);
    }

    @Override
    public Integer call() throws InterruptedException {
        Plan plan = plan();
        PrintWriter out = spec.commandLine().getOut();
        StreamingLoad load = new StreamingLoad(target, plan.timeout());
        out.printf(
                Locale.ROOT,
                "%s: %d requests of %s over %.0f s to %s%n",
                plan.label(),
                plan.requests().size(),
                plan.workloadName(),
                duration,
                load.url());
        out.flush();
        StreamingLoad.Result result = load.run(plan.requests());
        RunSummary summary = RunSummary.of(result.records(), plan.slo());
        LoadReportJson.printText(out, plan.label(), summary, result.itlMicros());
        out.flush();
        if (json != null) {
            Map<String, String> settings = new LinkedHashMap<>(plan.settings());
            settings.put("wall_s", String.format(Locale.ROOT, "%.3f", result.wallSeconds()));
            SweepReport report = new SweepReport(
                    plan.workloadName(),
                    plan.description(),
                    settings,
                    List.of(new SweepReport.Point(plan.label(), plan.rate(), seed, summary)));
            LoadReportJson.write(json, report, result.itlMicros());
        }
        return 0;
    }

    private boolean matched(String option) {
        return spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
