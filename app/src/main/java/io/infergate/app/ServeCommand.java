package io.infergate.app;

import io.infergate.api.Manifests;
import io.infergate.api.Problem;
import io.infergate.api.load.LoadResult;
import io.infergate.app.serve.ServeLauncher;
import io.infergate.app.serve.ServeRuntime;
import io.infergate.gateway.EdgeLimits;
import io.infergate.gateway.RetryBudget;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.gateway.proxy.OutlierDetector;
import io.infergate.kubernetes.LeaderElection;
import io.infergate.kubernetes.WatchScope;
import io.infergate.scheduler.model.ClientObjectives;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code infergate serve}: the standalone gateway.
 *
 * <p>With {@code --config FILE...} it serves those manifests and reloads them when a file changes (a version
 * with errors is logged problem by problem and the last good configuration keeps serving). Without
 * {@code --config} it serves the <b>embedded default</b>: simulated vLLM replicas started in-process and a demo
 * manifest set, then prints copy-paste {@code curl} examples. Either way an admin listener (default
 * {@code 127.0.0.1:9090}) serves {@code /metrics}, {@code /healthz}, {@code /readyz}, {@code /api/pools} and
 * {@code /api/config}. Ctrl-C or SIGTERM drains in-flight requests (up to {@code --drain-timeout}) and exits 0.
 *
 * <p>Exit status: 1 when the initial configuration has errors (every problem is printed to stderr) or cannot be
 * served (no listener: no Gateway in the files; a port in use; an unusable certificate), 2 for bad options.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Runs the inference gateway: Gateway API listeners, HTTPRoutes and InferencePools from Kubernetes-shaped "
                    + "manifests, with the endpoint picker in-process.",
            "Without --config: the embedded default, 4 simulated vLLM replicas with LoRA adapters and a demo "
                    + "manifest set, listening on --port (default 8080)."
        })
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Manifest file(s) to serve, watched and reloaded on change (repeatable). "
                    + "Without it: the embedded default.")
    List<Path> configs = List.of();

    @Option(
            names = "--kubernetes",
            description = "Cluster mode: serve the Gateways (of --gateway-class), routes, InferencePools and model "
                    + "objects of the Kubernetes API server (in-cluster, else ~/.kube/config), and write their status.")
    boolean kubernetes;

    @Option(
            names = "--namespace",
            paramLabel = "NS",
            description = "Cluster mode: watch this namespace only (default: all namespaces).")
    String namespace;

    @Option(
            names = "--gateway-class",
            paramLabel = "NAME",
            split = ",",
            description = "Cluster mode: serve the Gateways of these GatewayClasses (default: every Gateway).")
    List<String> gatewayClasses = List.of();

    @Option(
            names = "--controller-name",
            defaultValue = "infergate.io/gateway-controller",
            paramLabel = "NAME",
            description = "Cluster mode: the controllerName written into InferencePool status "
                    + "(default: ${DEFAULT-VALUE}).")
    String controllerName;

    @Option(
            names = "--ha-enable-leader-election",
            description = "Cluster mode: only the replica holding the Lease writes status and reports ready.")
    boolean leaderElection;

    @Option(
            names = "--lease-namespace",
            paramLabel = "NS",
            description = "Cluster mode: namespace of the leader-election Lease 'infergate-gateway' "
                    + "(default: $NAMESPACE, else 'default').")
    String leaseNamespace;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "Embedded default only: the gateway's port; 0 = ephemeral (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--replicas",
            defaultValue = "4",
            description = "Embedded default only: simulated replicas to start (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(
            names = "--host",
            defaultValue = "0.0.0.0",
            description = "Address every gateway listener binds (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--admin-port",
            defaultValue = "9090",
            description = "Admin listener port (/metrics, /healthz, /readyz, /api/pools, /api/config); "
                    + "0 = ephemeral, -1 = none (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(
            names = "--admin-host",
            defaultValue = "127.0.0.1",
            description = "Address the admin listener binds; it shows the configuration, keep it private "
                    + "(default: ${DEFAULT-VALUE}).")
    String adminHost;

    @Option(
            names = "--max-body-bytes",
            defaultValue = "16777216",
            description = "Larger request bodies get a 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(
            names = EdgeLimits.MAX_CONCURRENT_STREAMS_FLAG,
            defaultValue = "" + EdgeLimits.DEFAULT_MAX_CONCURRENT_STREAMS,
            paramLabel = "N",
            description = "HTTP/2 streams one client connection may have open at once; more are refused with "
                    + "RST_STREAM(REFUSED_STREAM) (default: ${DEFAULT-VALUE}).")
    int maxConcurrentStreams;

    @Option(
            names = EdgeLimits.MAX_BUFFERED_REQUEST_BYTES_FLAG,
            paramLabel = "BYTES",
            description = "Request body bytes the process may hold while bodies are being received; past it "
                    + "requests get 503 gateway_overloaded (default: a quarter of the maximum heap).")
    Long maxBufferedRequestBytes;

    @Option(
            names = EdgeLimits.REQUEST_HEADER_TIMEOUT_FLAG,
            defaultValue = "10s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "A request's headers must arrive within this, from the accept (first request) or the first "
                    + "byte (later ones; HTTP/2: the preface and first HEADERS); else 408 and close "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration requestHeaderTimeout;

    @Option(
            names = EdgeLimits.BODY_READ_TIMEOUT_FLAG,
            defaultValue = "30s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "Longest pause between two reads of a request body; else 408 and close "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration bodyReadTimeout;

    @Option(
            names = EdgeLimits.MAX_CONNECTIONS_FLAG,
            defaultValue = "" + EdgeLimits.DEFAULT_MAX_CONNECTIONS,
            paramLabel = "N",
            description = "Open client connections per listener port; more are closed when accepted. A Gateway's "
                    + EdgeLimits.MAX_CONNECTIONS_ANNOTATION + " annotation sets it for its listeners "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--outlier-consecutive-failures",
            defaultValue = "5",
            paramLabel = "N",
            description = "Failed attempts in a row (connect failures, closes, 5xx; never 4xx) that eject a pool "
                    + "endpoint; 0 = never eject; a pool's infergate.io/outlier-consecutive-failures annotation "
                    + "overrides it (default: ${DEFAULT-VALUE}).")
    int outlierConsecutiveFailures;

    @Option(
            names = "--outlier-base-ejection",
            defaultValue = "30s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "The first ejection's length, doubled for each further one until a success; a pool's "
                    + "infergate.io/outlier-base-ejection annotation overrides it (default: ${DEFAULT-VALUE}).")
    Duration outlierBaseEjection;

    @Option(
            names = "--outlier-max-ejection",
            defaultValue = "300s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "The longest ejection; a pool's infergate.io/outlier-max-ejection annotation overrides it "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration outlierMaxEjection;

    @Option(
            names = "--outlier-max-ejection-percent",
            defaultValue = "50",
            paramLabel = "PERCENT",
            description = "Largest share of a pool's endpoints ejected at once, rounded down; 0 = never eject; a "
                    + "pool's infergate.io/outlier-max-ejection-percent annotation overrides it "
                    + "(default: ${DEFAULT-VALUE}).")
    int outlierMaxEjectionPercent;

    @Option(
            names = "--retry-budget-percent",
            defaultValue = "20",
            paramLabel = "PERCENT",
            description = "Share of a pool's requests being forwarded that may be retrying on another endpoint at "
                    + "once; 100 = no budget; a pool's infergate.io/retry-budget-percent annotation overrides it "
                    + "(default: ${DEFAULT-VALUE}).")
    int retryBudgetPercent;

    @Option(
            names = "--retry-budget-min",
            defaultValue = "3",
            paramLabel = "N",
            description = "Requests that may be retrying at once whatever the share; with --retry-budget-percent 0, "
                    + "0 = no retries on another endpoint; a pool's infergate.io/retry-budget-min annotation "
                    + "overrides it (default: ${DEFAULT-VALUE}).")
    int retryBudgetMin;

    @Option(
            names = "--picker-timeout",
            defaultValue = "10s",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "How long an external endpoint picker may take to decide; then a FailOpen pool routes "
                    + "without it and a FailClose pool answers 503; a pool's infergate.io/picker-timeout annotation "
                    + "overrides it (default: ${DEFAULT-VALUE}).")
    Duration pickerTimeout;

    @Option(
            names = "--drain-timeout",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "On shutdown, how long in-flight requests may take to finish (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(
            names = "--reload-debounce",
            defaultValue = "500ms",
            converter = DurationConverter.class,
            description = "Config files must stay unchanged this long before a reload (default: ${DEFAULT-VALUE}).")
    Duration reloadDebounce;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Embedded default only: seed of the simulated replicas (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--scheduling-profile",
            defaultValue = "infergate-default",
            paramLabel = "NAME",
            description = "Built-in scheduling profile of pools without the infergate.io/scheduling-profile "
                    + "annotation: infergate-default, gie-v1-default or gie-v0-filter-tree "
                    + "(default: ${DEFAULT-VALUE}).")
    String schedulingProfile;

    @Option(
            names = "--refresh-metrics-interval",
            defaultValue = "50ms",
            converter = DurationConverter.class,
            description = "How often every endpoint's /metrics is scraped; 0 = never (default: ${DEFAULT-VALUE}).")
    Duration metricsInterval;

    @Option(
            names = "--flow-control-ttl",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Longest a request waits in the flow-control queue of a pool with flow control by annotation"
                    + " before it gets 503 queue_timeout; 0 = until the client gives up (default: ${DEFAULT-VALUE}).")
    Duration flowControlTtl;

    @Option(
            names = "--flow-control-max-requests",
            defaultValue = "0",
            description = "Most requests waiting in one such pool's queue, all priorities together; one more gets"
                    + " 429 with Retry-After; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    long flowControlMaxRequests;

    @Mixin
    CriticalReserveOptions criticalReserve;

    @Option(
            names = "--debug-scores",
            description = "Let a request ask for the picker's per-scorer scores with the header "
                    + "'x-infergate-debug: scores' (answered in 'x-infergate-scores'); off by default.")
    boolean debugScores;

    @Option(
            names = "--client-objectives",
            defaultValue = "not-above-model",
            paramLabel = "WHEN",
            description = "Whether a client's x-gateway-inference-objective header may choose its objective: never, "
                    + "not-above-model (only objectives whose priority is not above the model's own) or any; a pool's "
                    + "infergate.io/client-objectives annotation overrides it (default: ${DEFAULT-VALUE}).")
    String clientObjectives;

    /** Tests (and side-by-side runs): bind every listener on an ephemeral port whatever the manifests say. */
    @Option(names = "--ephemeral-ports", hidden = true)
    boolean ephemeralPorts;

    /** The {@code --outlier-*} flags as settings; throws IllegalArgumentException naming a flag out of range. */
    OutlierDetector.Settings outlierSettings() {
        return new OutlierDetector.Settings(
                outlierConsecutiveFailures, outlierBaseEjection, outlierMaxEjection, outlierMaxEjectionPercent);
    }

    /** The {@code --retry-budget-*} flags; throws IllegalArgumentException naming a flag out of range. */
    /** The {@code --picker-timeout} flag; throws IllegalArgumentException naming it when it is not positive. */
    Duration pickerTimeout() {
        if (!pickerTimeout.isPositive()) {
            throw new IllegalArgumentException(
                    "--picker-timeout: " + pickerTimeout + " (expected: a positive duration)");
        }
        return pickerTimeout;
    }

    RetryBudget retryBudget() {
        return new RetryBudget(retryBudgetPercent, retryBudgetMin);
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        ServeRuntime runtime = start();
        if (runtime == null) {
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            runtime.close();
                            stopped.countDown();
                        },
                        "serve-shutdown"));
        ServeLauncher.printBanner(runtime, host, out);
        stopped.await();
        return 0;
    }

    /**
     * Validates the options, loads the configuration and starts everything.
     *
     * @return the running gateway, or null when the configuration has errors or cannot be served (the reasons
     *         are printed to stderr)
     * @throws CommandLine.ParameterException for bad options
     */
    public ServeRuntime start() {
        PrintWriter err = spec.commandLine().getErr();
        if (kubernetes && !configs.isEmpty()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--kubernetes and --config exclude each other (the cluster is the configuration)");
        }
        if (!kubernetes && spec.commandLine().getParseResult() != null) {
            for (String clusterOnly :
                    List.of("--namespace", "--gateway-class", "--ha-enable-leader-election", "--lease-namespace")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(clusterOnly)) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), clusterOnly + " applies to cluster mode only (--kubernetes)");
                }
            }
        }
        if ((kubernetes || !configs.isEmpty()) && spec.commandLine().getParseResult() != null) {
            for (String embeddedOnly : List.of("--port", "--replicas", "--seed")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(embeddedOnly)) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            embeddedOnly
                                    + " applies to the embedded default only (with --config or --kubernetes, ports come "
                                    + "from the Gateway listeners)");
                }
            }
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port: " + port + " (expected: 0..65535)");
        }
        if (adminPort < -1 || adminPort > 65535) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--admin-port: " + adminPort + " (expected: -1 = none, 0 = ephemeral, or a port)");
        }
        if (replicas < 1 || replicas > 254) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--replicas: " + replicas + " (expected: 1..254)");
        }
        if (maxBodyBytes < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--max-body-bytes: " + maxBodyBytes + " (expected: >= 1)");
        }
        EdgeLimits limits;
        try {
            limits = EdgeLimits.defaults()
                    .withMaxConcurrentStreams(maxConcurrentStreams)
                    .withRequestHeaderTimeout(requestHeaderTimeout)
                    .withBodyReadTimeout(bodyReadTimeout)
                    .withMaxConnections(maxConnections);
            if (maxBufferedRequestBytes != null) {
                limits = limits.withMaxBufferedRequestBytes(maxBufferedRequestBytes);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        OutlierDetector.Settings outliers;
        RetryBudget retryBudget;
        Duration pickerTimeout;
        try {
            outliers = outlierSettings();
            retryBudget = retryBudget();
            pickerTimeout = pickerTimeout();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ClientObjectives objectives = ClientObjectives.parse(clientObjectives)
                .orElseThrow(() -> new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--client-objectives: " + clientObjectives + " (expected one of: "
                                + ClientObjectives.spellings() + ")"));
        SchedulingOptions scheduling;
        try {
            scheduling = new SchedulingOptions(schedulingProfile, metricsInterval)
                    .withDebugScores(debugScores)
                    .withClientObjectives(objectives);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--scheduling-profile / " + "--refresh-metrics-interval: " + e.getMessage());
        }
        try {
            scheduling = scheduling.withFlowControl(scheduling
                    .flowControl()
                    .withRequestTtl(flowControlTtl)
                    .withMaxRequests(flowControlMaxRequests)
                    .withCriticalReserve(criticalReserve.reserve()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--flow-control-ttl / --flow-control-max-requests / --flow-control-critical-reserve /"
                            + " --flow-control-reserve-prefills: " + e.getMessage());
        }
        ServeLauncher launcher = new ServeLauncher(
                host,
                adminHost,
                adminPort,
                maxBodyBytes,
                drainTimeout,
                reloadDebounce,
                ephemeralPorts,
                scheduling,
                limits,
                outliers,
                retryBudget,
                pickerTimeout);
        try {
            if (kubernetes) {
                String leaseNs = PodNamespace.or(leaseNamespace);
                return launcher.startCluster(
                        WatchScope.forServe(Optional.ofNullable(namespace), Set.copyOf(gatewayClasses), true),
                        controllerName,
                        leaderElection
                                ? Optional.of(LeaderElection.Settings.of(leaseNs, "infergate-gateway"))
                                : Optional.empty(),
                        Optional.empty());
            }
            if (configs.isEmpty()) {
                return launcher.startEmbedded(replicas, port, seed);
            }
            // the scheduling configuration too, so that its warnings are printed with the rest
            LoadResult loaded = ValidateCommand.withScheduling(Manifests.load(configs));
            loaded.problems().forEach(p -> err.println(p.format()));
            if (loaded.hasErrors()) {
                err.println(loaded.errors().size() + " error(s); nothing served");
                err.flush();
                return null;
            }
            return launcher.startFiles(configs, loaded, warnings(loaded));
        } catch (RuntimeException e) {
            // a port in use, a certificate that does not load, replicas that cannot start
            err.println("infergate serve: " + e.getMessage());
            err.flush();
            return null;
        }
    }

    private static List<String> warnings(LoadResult loaded) {
        return loaded.warnings().stream().map(Problem::format).toList();
    }

    /** Parses {@code 30s}, {@code 500ms}, {@code 2m} or an ISO-8601 duration. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.equals("0")) {
                    return Duration.ZERO;
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                return Duration.parse(value);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' (expected: a duration such as 500ms, 30s, 2m or PT30S)");
            }
        }
    }
}
