package io.infergate.app;

import io.infergate.api.Manifests;
import io.infergate.api.Problem;
import io.infergate.api.load.EndpointPickerConfigLoader;
import io.infergate.api.load.EndpointPickerConfigResult;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.InferencePool;
import io.infergate.app.epp.EppLauncher;
import io.infergate.app.epp.EppRuntime;
import io.infergate.extproc.server.PickerConfigOverride;
import io.infergate.extproc.server.StreamSettings;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.pick.PoolId;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code infergate epp}: the endpoint picker as an Envoy ext_proc server for one InferencePool, a drop-in for the
 * Inference Extension's reference picker behind Envoy Gateway, Istio, kgateway or GKE. Flags that mean the same as
 * the reference picker's have its names.
 *
 * <p>Where the pool and its Pods come from: with {@code --manifests FILE...}, from those files (reloaded when they
 * change, the last good version kept); without, from the Kubernetes API server (in-cluster configuration or
 * {@code ~/.kube/config}), watched with informers. Exit status 1 when the configuration cannot be served, 2 for bad
 * options; Ctrl-C or SIGTERM stops taking new streams, lets running ones finish (up to 5 s) and exits 0.
 */
@Command(
        name = "epp",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "The endpoint picker for an existing Envoy-based gateway (Gateway API Inference Extension "
                    + "ext_proc protocol): ext_proc on --grpc-port (TLS, self-signed unless --cert-path), gRPC health on "
                    + "--grpc-health-port, Prometheus, /healthz, /readyz and /api/pools on --metrics-port.",
            "Without --manifests it watches the pool, its Pods and the InferenceObjective/-ModelRewrite objects "
                    + "in the cluster."
        })
public final class EppCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--pool-name",
            paramLabel = "NAME",
            description = "The InferencePool to pick for (with --manifests: optional when the files hold one).")
    String poolName;

    @Option(
            names = "--pool-namespace",
            paramLabel = "NS",
            description = "The pool's namespace (default: $NAMESPACE, else 'default').")
    String poolNamespace;

    @Option(
            names = "--pool-group",
            defaultValue = "inference.networking.k8s.io",
            paramLabel = "GROUP",
            description = "The pool's API group: inference.networking.k8s.io (v1) or inference.networking.x-k8s.io "
                    + "(v1alpha2) (default: ${DEFAULT-VALUE}).")
    String poolGroup;

    @Option(
            names = "--manifests",
            paramLabel = "FILE",
            split = ",",
            description = "Standalone: read the pool, its Pods and the model objects from these files instead of "
                    + "the cluster.")
    List<Path> manifests = List.of();

    @Option(
            names = "--config-file",
            paramLabel = "FILE",
            description = "An EndpointPickerConfig (inference.networking.x-k8s.io/v1alpha1) that schedules the pool.")
    Path configFile;

    @Option(names = "--config-text", paramLabel = "YAML", description = "The same as --config-file, given inline.")
    String configText;

    @Option(
            names = "--scheduling-profile",
            defaultValue = "infergate-default",
            paramLabel = "NAME",
            description = "Built-in profile when neither --config-file nor the pool's annotation chooses one: "
                    + "infergate-default, gie-v1-default or gie-v0-filter-tree (default: ${DEFAULT-VALUE}).")
    String schedulingProfile;

    @Mixin
    CriticalReserveOptions criticalReserve;

    @Option(names = "--grpc-port", defaultValue = "9002", description = "ext_proc port (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(
            names = "--grpc-health-port",
            defaultValue = "9003",
            description = "gRPC health port (default: ${DEFAULT-VALUE}).")
    int healthPort;

    @Option(
            names = "--metrics-port",
            defaultValue = "9090",
            description = "Prometheus /metrics port, also /healthz, /readyz, /api/pools; -1 = none "
                    + "(default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(
            names = "--host",
            defaultValue = "0.0.0.0",
            description = "Address every port binds " + "(default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--secure-serving",
            defaultValue = "true",
            arity = "0..1",
            paramLabel = "BOOL",
            description = "Serve ext_proc over TLS (default: ${DEFAULT-VALUE}; --secure-serving=false for h2c).")
    boolean secureServing;

    @Option(
            names = "--cert-path",
            paramLabel = "DIR",
            description = "Directory with tls.crt and tls.key; without it a self-signed certificate is generated.")
    Path certPath;

    @Option(
            names = "--refresh-metrics-interval",
            defaultValue = "50ms",
            converter = ServeCommand.DurationConverter.class,
            description = "How often every endpoint's /metrics is scraped (default: ${DEFAULT-VALUE}).")
    Duration metricsInterval;

    @Option(
            names = "--max-destination-endpoints",
            defaultValue = "1",
            paramLabel = "N",
            description = "Endpoints in x-gateway-destination-endpoint: the pick, then fallbacks in score order "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxEndpoints;

    @Option(
            names = "--disable-endpoint-subset-filter",
            description = "Ignore the gateway's envoy.lb.subset_hint metadata.")
    boolean disableSubsetFilter;

    @Option(
            names = "--max-body-bytes",
            defaultValue = "67108864",
            description = "Largest request body accepted, 413 above (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(
            names = "--reload-debounce",
            defaultValue = "500ms",
            converter = ServeCommand.DurationConverter.class,
            description = "With --manifests: quiet time after a file change before reloading "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration reloadDebounce;

    @Option(
            names = "--ha-enable-leader-election",
            description = "Cluster mode: only the replica holding the Lease reports ready (active-passive).")
    boolean leaderElection;

    @Option(
            names = "--lease-namespace",
            paramLabel = "NS",
            description = "Namespace of the leader-election Lease (default: the pool's).")
    String leaseNamespace;

    @Override
    public Integer call() throws InterruptedException {
        EppRuntime runtime = start();
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
                        "epp-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println(runtime.banner());
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * Validates the options, loads the configuration and starts the picker.
     *
     * @return the running picker, or null when it cannot start (reasons printed to stderr)
     * @throws CommandLine.ParameterException for bad options
     */
    public EppRuntime start() {
        PrintWriter err = spec.commandLine().getErr();
        checkPort("--grpc-port", grpcPort);
        checkPort("--grpc-health-port", healthPort);
        if (metricsPort != -1) {
            checkPort("--metrics-port", metricsPort);
        }
        if (maxEndpoints < 1 || maxEndpoints > 64) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--max-destination-endpoints: " + maxEndpoints + " (expected: 1..64)");
        }
        if (maxBodyBytes < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--max-body-bytes: " + maxBodyBytes + " (expected: >= 1)");
        }
        if (!secureServing && certPath != null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--cert-path needs --secure-serving (it is off)");
        }
        SchedulingOptions scheduling;
        try {
            scheduling = new SchedulingOptions(schedulingProfile, metricsInterval);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--scheduling-profile / " + "--refresh-metrics-interval: " + e.getMessage());
        }
        try {
            scheduling =
                    scheduling.withFlowControl(scheduling.flowControl().withCriticalReserve(criticalReserve.reserve()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--flow-control-critical-reserve / --flow-control-reserve-prefills: " + e.getMessage());
        }
        Optional<PickerConfigOverride> override = Optional.empty();
        if (configFile != null && configText != null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--config-file and --config-text exclude each other");
        }
        if (configFile != null || configText != null) {
            EndpointPickerConfigResult config = configFile != null
                    ? EndpointPickerConfigLoader.load(configFile)
                    : EndpointPickerConfigLoader.load("--config-text", configText);
            config.problems().forEach(p -> err.println(p.format()));
            if (config.config().isEmpty() || config.problems().stream().anyMatch(Problem::isError)) {
                err.println("infergate epp: " + (configFile != null ? configFile : "--config-text")
                        + " has errors; not started");
                err.flush();
                return null;
            }
            override = Optional.of(new PickerConfigOverride(config.config().get()));
        }
        String namespace = PodNamespace.or(poolNamespace);
        StreamSettings settings = StreamSettings.defaults()
                .withMaxDestinationEndpoints(maxEndpoints)
                .withSubsetFilter(!disableSubsetFilter)
                .withMaxRequestBodyBytes(maxBodyBytes);
        EppLauncher launcher = new EppLauncher(
                scheduling,
                settings,
                override,
                host,
                grpcPort,
                healthPort,
                metricsPort,
                secureServing,
                Optional.ofNullable(certPath),
                reloadDebounce);
        try {
            if (manifests.isEmpty()) {
                if (poolName == null || poolName.isBlank()) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--pool-name is required without --manifests (cluster mode)");
                }
                return launcher.startCluster(
                        new PoolId(poolGroup, namespace, poolName),
                        leaderElection,
                        leaseNamespace == null ? namespace : leaseNamespace,
                        Optional.empty());
            }
            LoadResult loaded = ValidateCommand.withScheduling(Manifests.load(manifests));
            loaded.problems().forEach(p -> err.println(p.format()));
            if (loaded.hasErrors()) {
                err.println(loaded.errors().size() + " error(s); not started");
                err.flush();
                return null;
            }
            PoolId pool = standalonePool(loaded, namespace);
            return launcher.startFiles(manifests, loaded, pool);
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (RuntimeException e) {
            err.println("infergate epp: " + e.getMessage());
            err.flush();
            return null;
        }
    }

    /** The pool named by the flags, or the only pool of the files. */
    private PoolId standalonePool(LoadResult loaded, String namespace) {
        List<InferencePool> pools = loaded.manifests().inferencePools();
        if (poolName != null && !poolName.isBlank()) {
            PoolId id = new PoolId(poolGroup, namespace, poolName);
            if (pools.stream().noneMatch(p -> PoolId.of(p).equals(id))) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "InferencePool " + id
                                + " is not in " + manifests + " (pools there: "
                                + pools.stream()
                                        .map(p -> PoolId.of(p).toString())
                                        .toList() + ")");
            }
            return id;
        }
        if (pools.size() != 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--pool-name is required: " + manifests + " hold " + pools.size() + " InferencePools");
        }
        return PoolId.of(pools.get(0));
    }

    private void checkPort(String flag, int port) {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), flag + ": " + port + " (expected: 0..65535)");
        }
    }
}
