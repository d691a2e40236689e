package io.infergate.app;

import io.infergate.bench.fidelity.FidelityReport;
import io.infergate.bench.fidelity.PublishedRun;
import io.infergate.bench.fidelity.RealTimeReplay;
import io.infergate.bench.fidelity.StageReplay;
import io.infergate.bench.fidelity.StageResult;
import io.infergate.simulator.engine.Preset;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code infergate bench fidelity}: the simulator against the published KubeCon NA 2025 vLLM measurements
 * ({@link io.infergate.bench.fidelity}). Prints one Markdown table per published configuration and whether the
 * calibration targets hold; exits 0 either way (a benchmark reports, it does not judge), 2 on bad options.
 */
@Command(
        name = "fidelity",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Replays the published stages of the KubeCon NA 2025 inference-perf runs (kubernetes-sigs/inference-perf,"
                    + " demos/kubecon-na-2025: vLLM 0.11, Llama-3.1-8B, one H100; config A with prefix caching and"
                    + " chunked prefill, B without) against one simulated engine and prints published / simulated /"
                    + " error for derived ITL, E2E, TTFT mean and output tokens/s, and the TTFT knee.",
            "Virtual time by default (deterministic, seconds); --real-time streams the same requests over HTTP to a"
                    + " sim replica started in this process (wall-clock: run it on a quiet machine, e.g. with"
                    + " --stage-length 10s)."
        })
final class BenchFidelityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--config",
            defaultValue = "A,B",
            split = ",",
            description = "Published configurations to replay: A, B (default: ${DEFAULT-VALUE}).")
    List<PublishedRun> configs;

    @Option(
            names = "--preset",
            defaultValue = "llama-3.1-8b-h100",
            description = "Simulator preset (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(
            names = "--stage-length",
            defaultValue = "60s",
            converter = ServeCommand.DurationConverter.class,
            description = "Arrivals per stage (default: ${DEFAULT-VALUE}, as published).")
    Duration stageLength;

    @Option(
            names = "--real-time",
            description = "Replay in real time against a sim replica over HTTP instead of in virtual time.")
    boolean realTime;

    @Option(names = "--seed", defaultValue = "1", description = "Prompts and engine seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Preset p;
        try {
            p = Preset.byId(preset);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (stageLength.isZero() || stageLength.isNegative()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--stage-length: " + stageLength + " (expected: > 0)");
        }
        for (PublishedRun run : configs) {
            List<StageResult> results = realTime
                    ? RealTimeReplay.run(run, run.engineConfig(p), stageLength, seed)
                    : StageReplay.run(run, run.engineConfig(p), stageLength, seed);
            out.println(new FidelityReport(run, results).markdown());
            if (realTime) {
                out.printf(
                        Locale.ROOT,
                        "real time, stages of %.1f s; load average after the run: %s%n%n",
                        stageLength.toMillis() / 1000.0,
                        loadAverage());
            }
            out.flush();
        }
        return 0;
    }

    private static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }
}
