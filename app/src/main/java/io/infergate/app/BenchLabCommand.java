package io.infergate.app;

import io.infergate.bench.lab.LabEnvironment;
import io.infergate.bench.lab.LabModels;
import io.infergate.bench.lab.LabPolicies;
import io.infergate.bench.lab.LabPolicy;
import io.infergate.bench.lab.LabSettings;
import io.infergate.bench.lab.LabSweep;
import io.infergate.bench.report.ReportWriter;
import io.infergate.bench.results.RequestRecord;
import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.results.SweepReport;
import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.bench.workload.Workloads;
import io.infergate.simulator.engine.Preset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code infergate bench lab}: the policy lab. Runs a workload through every chosen policy at every chosen rate and
 * seed onto simulated engines in virtual time, and writes JSON, Markdown and SVG charts per workload. Exit code 0
 * when the sweep ran, 2 on bad options (picocli's usage error).
 */
@Command(
        name = "lab",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "The policy lab: routing policies compared on simulated vLLM engines in virtual time, with"
                    + " the real scheduler, scraper and in-flight accounting. Same seed, same numbers.",
            "Writes <out>/<workload>.json, .md, -ttft-p90.svg and -throughput.svg per workload."
        })
final class BenchLabCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--workload",
            defaultValue = "shared-prefix",
            split = ",",
            description = "Workloads, comma-separated: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = WorkloadNames.class)
    List<String> workloads;

    @Option(
            names = "--policies",
            split = ",",
            description = "Policies, comma-separated (default: all): ${COMPLETION-CANDIDATES}.",
            completionCandidates = PolicyNames.class)
    List<String> policies;

    @Option(
            names = "--rates",
            required = true,
            split = ",",
            description = "Offered loads in requests per second, comma-separated, e.g. 4,8,12.")
    List<Double> rates;

    @Option(
            names = "--seeds",
            defaultValue = "1",
            description = "Workload seeds: a list (1,2,3) or a range (6-10)" + " (default: ${DEFAULT-VALUE}).")
    String seeds;

    @Option(
            names = "--duration",
            defaultValue = "120",
            description = "Simulated seconds of arrivals per run" + " (default: ${DEFAULT-VALUE}).")
    int duration;

    @Option(
            names = "--warmup",
            defaultValue = "20",
            description = "Leading seconds of arrivals not counted" + " (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--replicas",
            defaultValue = "8",
            description = "Simulated model servers (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(
            names = "--preset",
            defaultValue = "llama-3.1-8b-h100",
            description = "Engine preset (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(
            names = "--scrape-interval-ms",
            defaultValue = "50",
            description = "Metrics scrape interval" + " (default: ${DEFAULT-VALUE}).")
    long scrapeIntervalMs;

    @Option(
            names = "--scrape-delay-ms",
            defaultValue = "2",
            description = "From scrape to stored metrics" + " (default: ${DEFAULT-VALUE}).")
    long scrapeDelayMs;

    @Option(
            names = "--network-delay-us",
            defaultValue = "250",
            description =
                    "One-way network delay, client to" + " router and router to server (default: ${DEFAULT-VALUE}).")
    long networkDelayUs;

    @Option(
            names = "--cv",
            defaultValue = "1",
            description = "Coefficient of variation of arrival gaps: 1 Poisson,"
                    + " > 1 bursty gamma, 0 constant (default: ${DEFAULT-VALUE}).")
    double cv;

    @Option(
            names = "--slo-ttft-ms",
            defaultValue = "2000",
            description = "Goodput TTFT bound (default: ${DEFAULT-VALUE}).")
    double sloTtftMs;

    @Option(
            names = "--slo-tpot-ms",
            defaultValue = "100",
            description = "Goodput TPOT bound (default: ${DEFAULT-VALUE}).")
    double sloTpotMs;

    @Option(
            names = "--flow-control",
            description = "Queue every request in the gateway's flow control (serve's defaults: GIE's bands, 30 s TTL)"
                    + " in front of every policy, instead of shedding sheddable requests at once.")
    boolean flowControl;

    @Option(
            names = "--manifests",
            paramLabel = "FILE",
            description = "InferenceModels, InferenceObjectives and InferenceModelRewrites for the lab's InferencePool"
                    + " lab/sim-pool, resolved as the gateway resolves them (default: none, every model as named).")
    Path manifests;

    @Option(names = "--threads", defaultValue = "2", description = "Runs at a time (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--out",
            defaultValue = "bench-results/lab",
            description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        List<Long> seedList = parseSeeds(seeds);
        Map<String, Function<LabEnvironment, LabPolicy>> chosen = new LinkedHashMap<>();
        for (String p : policies == null ? LabPolicies.NAMES : policies) {
            chosen.put(p, option("--policies", () -> LabPolicies.named(p)));
        }
        LabSettings settings = option(
                "--preset / --replicas / delays",
                () -> new LabSettings(
                        Preset.byId(preset).config(),
                        replicas,
                        Duration.ofMillis(scrapeIntervalMs),
                        Duration.ofMillis(scrapeDelayMs),
                        Duration.ofNanos(networkDelayUs * 1000),
                        Duration.ofMinutes(5),
                        1,
                        flowControl,
                        labModels()));
        Slo slo = option("--slo-ttft-ms / --slo-tpot-ms", () -> new Slo(sloTtftMs, sloTpotMs));
        for (String name : workloads) {
            LabSweep sweep = option(
                    "--workload / --rates / --duration / --warmup / --cv / --threads",
                    () -> new LabSweep(
                            Workloads.named(name),
                            chosen,
                            rates,
                            seedList,
                            Duration.ofSeconds(duration),
                            Duration.ofSeconds(warmup),
                            cv,
                            slo,
                            settings,
                            threads));
            w.printf(
                    Locale.ROOT,
                    "%s: %d policies x %d rates x %d seeds, %d s each%n",
                    name,
                    chosen.size(),
                    rates.size(),
                    seedList.size(),
                    duration);
            w.flush();
            long start = System.nanoTime();
            SweepReport report = sweep.run(p -> {
                RunSummary s = p.summary();
                w.printf(
                        Locale.ROOT,
                        "  %-20s %7.2f req/s seed %-3d TTFT p50 %8.1f p90 %8.1f p99 %8.1f ms | TPOT p50"
                                + " %6.1f ms | %8.0f tok/s | goodput %5.1f%% | hit %5.1f%% | shed %d failed %d"
                                + " | %.1f s%n",
                        p.policy(),
                        p.rate(),
                        p.seed(),
                        s.ttftP50(),
                        s.ttftP90(),
                        s.ttftP99(),
                        s.tpotP50(),
                        s.outputTokensPerSec(),
                        s.goodputFraction() * 100,
                        s.prefixHitRate() * 100,
                        s.shed(),
                        s.failed(),
                        p.result().wallNanos() / 1e9);
                printPerPriority(w, p, slo);
                w.flush();
            });
            List<Path> files = ReportWriter.write(out, report);
            w.printf(Locale.ROOT, "%s done in %.0f s: %s%n", name, (System.nanoTime() - start) / 1e9, files);
            w.flush();
        }
        return 0;
    }

    private LabModels labModels() {
        if (manifests == null) {
            return LabModels.none();
        }
        String text;
        try {
            text = Files.readString(manifests);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--manifests: cannot read " + manifests + ": " + e);
        }
        return option("--manifests", () -> LabModels.of(manifests.toString(), text));
    }

    /**
     * When the run mixes priorities: one line per priority (Critical, Standard, Sheddable) with its TTFT, goodput
     * and refusals, so that what flow control does for each is visible.
     */
    private void printPerPriority(PrintWriter w, LabSweep.Progress p, Slo slo) {
        List<RequestRecord> records = p.result().records();
        if (records.stream().map(RequestRecord::priority).distinct().count() < 2) {
            return;
        }
        for (int priority : new int[] {WorkloadRequest.CRITICAL, WorkloadRequest.STANDARD, WorkloadRequest.SHEDDABLE}) {
            List<RequestRecord> mine =
                    records.stream().filter(r -> r.priority() == priority).toList();
            RunSummary s = RunSummary.of(mine, slo);
            long shed429 = mine.stream()
                    .filter(r -> r.status() == RequestRecord.Status.SHED && r.httpStatus() == 429)
                    .count();
            w.printf(
                    Locale.ROOT,
                    "    priority %2d: %5d sent | TTFT p50 %8.1f p90 %8.1f ms | goodput %5.1f%% | shed 429 %d,"
                            + " expired 503 %d, failed %d%n",
                    priority,
                    s.sent(),
                    s.ttftP50(),
                    s.ttftP90(),
                    s.goodputFraction() * 100,
                    shed429,
                    s.shed() - shed429,
                    s.failed());
        }
    }

    private <T> T option(String which, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), which + ": " + e.getMessage());
        }
    }

    private List<Long> parseSeeds(String text) {
        List<Long> out = new ArrayList<>();
        try {
            for (String part : text.split(",")) {
                String p = part.strip();
                int dash = p.indexOf('-', 1);
                if (dash > 0) {
                    long from = Long.parseLong(p.substring(0, dash).strip());
                    long to = Long.parseLong(p.substring(dash + 1).strip());
                    if (to < from || to - from > 1000) {
                        throw new NumberFormatException("range " + p);
                    }
                    for (long s = from; s <= to; s++) {
                        out.add(s);
                    }
                } else {
                    out.add(Long.parseLong(p));
                }
            }
        } catch (NumberFormatException e) {
            throw new ParameterException(
                    spec.commandLine(), "--seeds: \"" + text + "\" (expected: numbers and ranges, e.g. 1,2,3 or 6-10)");
        }
        return out;
    }

    static final class WorkloadNames extends ArrayList<String> {
        WorkloadNames() {
            super(Workloads.NAMES);
        }
    }

    static final class PolicyNames extends ArrayList<String> {
        PolicyNames() {
            super(LabPolicies.NAMES);
        }
    }
}
