package io.infergate.app;

import io.infergate.bench.lab.LabRealTimeAgreement;
import java.io.PrintWriter;
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
 * {@code infergate bench lab-vs-real}: how close the policy lab's TTFT is to the real gateway's on the same requests
 * ({@link LabRealTimeAgreement}). Prints one Markdown row per seed and the largest gap. Wall-clock on the real side:
 * run it on a quiet machine.
 */
@Command(
        name = "lab-vs-real",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "The policy lab against the real gateway on the same requests (GIE shared-prefix prompts, 32"
                    + " tokens out, two simulated replicas): TTFT p50/p90 of each and their gap, one row per seed.",
            "Measures wall-clock time on the real side: run it on a quiet machine."
        })
final class BenchLabVsRealCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--seeds",
            defaultValue = "7,8,9",
            split = ",",
            description = "Workload seeds (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--rate", defaultValue = "3", description = "Requests per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--duration",
            defaultValue = "25s",
            converter = ServeCommand.DurationConverter.class,
            description = "Measured arrivals per seed (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "5s",
            converter = ServeCommand.DurationConverter.class,
            description = "Unmeasured arrivals first, other texts (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        List<LabRealTimeAgreement.Spec> runs;
        try {
            runs = seeds.stream()
                    .map(s -> new LabRealTimeAgreement.Spec(s, rate, duration, warmup))
                    .toList();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        out.println(LabRealTimeAgreement.Result.header());
        out.flush();
        double worst = 0;
        for (LabRealTimeAgreement.Spec s : runs) {
            LabRealTimeAgreement.Result r = LabRealTimeAgreement.run(s);
            worst = Math.max(worst, r.ttftP50Gap());
            out.println(r.row());
            out.flush();
        }
        out.printf(Locale.ROOT, "largest TTFT p50 gap: %.1f %%%n", 100 * worst);
        return 0;
    }
}
