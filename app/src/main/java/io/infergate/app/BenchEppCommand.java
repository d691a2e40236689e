package io.infergate.app;

import io.infergate.extproc.bench.PickerLatencyBench;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code infergate bench epp}: the endpoint picker's latency per request over ext_proc, measured by an open-loop
 * Envoy-side client in the same process against a real {@code epp} server on loopback ({@link PickerLatencyBench}).
 * Prints one Markdown row per (body size, rate).
 */
@Command(
        name = "epp",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Picker latency over ext_proc (p50/p90/p99) for body sizes x request rates, open loop.")
final class BenchEppCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--body-bytes",
            defaultValue = "4096,204800",
            split = ",",
            description = "Request body sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> bodies;

    @Option(
            names = "--rates",
            defaultValue = "100,1000",
            split = ",",
            description = "Requests per second (default: ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(
            names = "--warmup",
            defaultValue = "10s",
            converter = ServeCommand.DurationConverter.class,
            description = "Unmeasured time per point (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(
            names = "--duration",
            defaultValue = "30s",
            converter = ServeCommand.DurationConverter.class,
            description = "Measured time per point (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--endpoints", defaultValue = "8", description = "Pool endpoints (default: ${DEFAULT-VALUE}).")
    int endpoints;

    @Option(
            names = "--tls",
            defaultValue = "true",
            arity = "0..1",
            description = "TLS between client and picker, as deployed (default: ${DEFAULT-VALUE}).")
    boolean tls;

    @Option(
            names = "--scheduling-profile",
            defaultValue = "infergate-default",
            description = "The picker's profile (default: ${DEFAULT-VALUE}).")
    String profile;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        List<PickerLatencyBench.Spec> specs;
        try {
            specs = bodies.stream()
                    .flatMap(b -> rates.stream()
                            .map(r -> new PickerLatencyBench.Spec(b, r, warmup, duration, endpoints, tls, profile)))
                    .toList();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        out.println(PickerLatencyBench.Result.header());
        out.flush();
        for (PickerLatencyBench.Spec s : specs) {
            out.println(PickerLatencyBench.run(s).row());
            out.flush();
        }
        return 0;
    }
}
