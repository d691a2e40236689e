package io.infergate.app;

import io.infergate.bench.chaos.ChaosRun;
import io.infergate.bench.chaos.Processes;
import io.infergate.bench.chaos.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code infergate bench chaos}: the real-socket half of the reliability suite ({@link ChaosRun}): a real
 * {@code serve} process over simulator processes put through faults, resource attacks, many long-lived streams and
 * overload. Prints Markdown rows as cases finish and writes every table to a JSON file. Runs on the picocli thread
 * and blocks it for the whole run (a few minutes with the defaults); every process it starts is stopped before it
 * returns.
 */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "The reliability suite on real sockets (docs/reliability.md): a `serve` process over `sim` processes,"
                    + " put through faults, resource attacks, many long-lived streams and overload. Prints one"
                    + " Markdown row per case and writes JSON. Reports, never asserts: every client has its own"
                    + " deadline, so a gateway that hangs gives rows of hung requests.",
            "Wall-clock figures: run it on a quiet machine, with a raised descriptor limit for --streams"
                    + " (scripts/bench-chaos.sh does both)."
        })
final class BenchChaosCommand implements Callable<Integer> {

    static final Set<String> SCENARIOS = Set.of("faults", "attacks", "scale", "overload");

    @Spec
    CommandSpec spec;

    @Option(
            names = "--scenario",
            split = ",",
            defaultValue = "faults,attacks,scale,overload",
            description =
                    "Scenarios to run, in this order: faults, attacks, scale, overload (default: ${DEFAULT-VALUE}).")
    List<String> scenarios;

    @Option(
            names = "--gateway-jar",
            description = "The jar whose `serve` runs the gateway, e.g. app/target/infergate.jar (default: this jar).")
    Path gatewayJar;

    @Option(
            names = "--gateway-jvm",
            split = " ",
            defaultValue = "-Xmx512m",
            description = "The gateway's JVM options, space-separated (default: ${DEFAULT-VALUE}).")
    List<String> gatewayJvm;

    @Option(names = "--json", defaultValue = "chaos.json", description = "JSON report (default: ${DEFAULT-VALUE}).")
    Path json;

    @Option(
            names = "--work-dir",
            description = "Process logs and configuration files (default: a new temporary directory).")
    Path workDir;

    @Option(
            names = "--ttl",
            defaultValue = "60s",
            converter = ServeCommand.DurationConverter.class,
            description = "Every request's deadline from its scheduled start: a request with no end by then is"
                    + " hung. Longer than the gateway's own flow-control TTL (30 s), so that its 503 can arrive"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--fault-rate", defaultValue = "10", description = "faults: streamed requests per second.")
    double faultRate;

    @Option(
            names = "--fault-duration",
            defaultValue = "6s",
            converter = ServeCommand.DurationConverter.class,
            description = "faults: load per fault (default: ${DEFAULT-VALUE}).")
    Duration faultDuration;

    @Option(names = "--max-tokens", defaultValue = "100", description = "faults: tokens per streamed request.")
    int maxTokens;

    @Option(
            names = "--attack-duration",
            defaultValue = "8s",
            converter = ServeCommand.DurationConverter.class,
            description = "attacks: how long each attack is held (default: ${DEFAULT-VALUE}).")
    Duration attackDuration;

    @Option(names = "--normal-rate", defaultValue = "10", description = "attacks, scale: normal requests per second.")
    double normalRate;

    @Option(names = "--slowloris", defaultValue = "500", description = "attacks: slowloris connections.")
    int slowloris;

    @Option(names = "--unsent-bodies", defaultValue = "40", description = "attacks: HTTP/1.1 unsent-body connections.")
    int unsentBodies;

    @Option(
            names = "--declared-bytes",
            defaultValue = "10000000",
            description = "attacks: the declared body size (default: ${DEFAULT-VALUE}).")
    long declaredBytes;

    @Option(names = "--h2-connections", defaultValue = "1", description = "attacks: h2c connections.")
    int h2Connections;

    @Option(names = "--h2-streams", defaultValue = "40", description = "attacks: HEADERS without DATA per connection.")
    int h2Streams;

    @Option(
            names = "--unique-models",
            defaultValue = "100",
            description = "attacks: requests per second with a unique 1 KB model name.")
    double uniqueModels;

    @Option(names = "--slow-readers", defaultValue = "100", description = "attacks: slowly read streams.")
    int slowReaders;

    @Option(
            names = "--streams",
            defaultValue = "1000",
            description = "scale: concurrent streams (the issue's figure is 10000; default: ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--stream-tokens", defaultValue = "20", description = "scale: tokens per stream, one a second.")
    int streamTokens;

    @Option(
            names = "--stream-ramp",
            defaultValue = "500",
            description = "scale: new streams a second until all are open (default: ${DEFAULT-VALUE}).")
    double streamRamp;

    @Option(
            names = "--step-duration",
            defaultValue = "8s",
            converter = ServeCommand.DurationConverter.class,
            description = "overload: each rate of the capacity search (default: ${DEFAULT-VALUE}).")
    Duration stepDuration;

    @Option(
            names = "--overload-duration",
            defaultValue = "15s",
            converter = ServeCommand.DurationConverter.class,
            description = "overload: twice the capacity, per flow-control mode (default: ${DEFAULT-VALUE}).")
    Duration overloadDuration;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        for (String s : scenarios) {
            if (!SCENARIOS.contains(s)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--scenario: " + s + " (expected: faults, attacks, scale, overload)");
            }
        }
        if (!(streamRamp > 0)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--stream-ramp: " + streamRamp + " (expected: > 0)");
        }
        Path self = self();
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("infergate-chaos");
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        var setup = new Processes.Setup(java, self, gatewayJar != null ? gatewayJar : self, dir);
        var settings = new ChaosRun.Settings(
                gatewayJvm,
                faultRate,
                faultDuration,
                maxTokens,
                ttl,
                attackDuration,
                normalRate,
                slowloris,
                unsentBodies,
                declaredBytes,
                h2Connections,
                h2Streams,
                uniqueModels,
                slowReaders,
                streams,
                streamTokens,
                streamRamp,
                stepDuration,
                overloadDuration);
        out.printf(
                Locale.ROOT,
                "chaos: gateway %s, work dir %s, load average %s%n",
                setup.gatewayJar(),
                dir,
                ChaosRun.loadAverage());
        out.flush();
        ChaosRun run = new ChaosRun(setup, settings, out);
        List<Map<String, Object>> tables = new ArrayList<>();
        for (String s : scenarios) {
            Table t = switch (s) {
                case "faults" -> run.faults();
                case "attacks" -> run.attacks();
                case "scale" -> run.scale();
                default -> run.overload();
            };
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", t.title());
            m.put("rows", t.rows());
            tables.add(m);
            writeJson(tables);
        }
        out.printf(Locale.ROOT, "%nload average after: %s; JSON: %s%n", ChaosRun.loadAverage(), json.toAbsolutePath());
        out.flush();
        return 0;
    }

    private void writeJson(List<Map<String, Object>> tables) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("finished", Instant.now().toString());
        report.put("gatewayJar", String.valueOf(gatewayJar));
        report.put("loadAverage", ChaosRun.loadAverage());
        report.put("scenarios", tables);
        JsonMapper mapper =
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(json, mapper.writeValueAsString(report));
    }

    private static Path self() {
        try {
            return Path.of(BenchChaosCommand.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
