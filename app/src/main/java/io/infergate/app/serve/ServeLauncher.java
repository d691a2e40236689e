package io.infergate.app.serve;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.infergate.api.Manifests;
import io.infergate.api.Problem;
import io.infergate.api.load.LoadResult;
import io.infergate.extproc.client.GrpcExternalPickers;
import io.infergate.gateway.EdgeLimits;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.ProxyListener;
import io.infergate.gateway.RetryBudget;
import io.infergate.gateway.admin.AdminServer;
import io.infergate.gateway.admin.AdminSource;
import io.infergate.gateway.admin.ConfigStatus;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.ListenerConfig;
import io.infergate.gateway.metrics.AccessLog;
import io.infergate.gateway.metrics.GatewayMetrics;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.gateway.proxy.OutlierDetector;
import io.infergate.kubernetes.ClusterMode;
import io.infergate.kubernetes.LeaderElection;
import io.infergate.kubernetes.WatchScope;
import io.infergate.simulator.server.SimReplica;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Wires one {@code infergate serve}: compiles the configuration, starts the gateway with metrics and access log,
 * the admin listener and (for files) the reloader, or first the simulated replicas (embedded default). If any
 * part fails to start, what already started is closed and the exception propagates.
 *
 * <p>Threading: blocking; call from the command's thread, never from an event loop.
 */
public final class ServeLauncher {

    /** The Gateway port written into the embedded manifests when {@code --port 0} asks for an ephemeral one. */
    private static final int PLACEHOLDER_PORT = 8080;

    private final String host;
    private final String adminHost;
    private final int adminPort;
    private final int maxBodyBytes;
    private final Duration drainTimeout;
    private final Duration reloadDebounce;
    private final boolean ephemeralPorts;
    private final SchedulingOptions scheduling;
    private final EdgeLimits limits;
    private final OutlierDetector.Settings outliers;
    private final RetryBudget retryBudget;
    private final Duration pickerTimeout;

    public ServeLauncher(
            String host,
            String adminHost,
            int adminPort,
            int maxBodyBytes,
            Duration drainTimeout,
            Duration reloadDebounce,
            boolean ephemeralPorts,
            SchedulingOptions scheduling) {
        this(
                host,
                adminHost,
                adminPort,
                maxBodyBytes,
                drainTimeout,
                reloadDebounce,
                ephemeralPorts,
                scheduling,
                EdgeLimits.defaults(),
                OutlierDetector.Settings.DEFAULT,
                RetryBudget.DEFAULT,
                GrpcExternalPickers.DEFAULT_TIMEOUT);
    }

    /**
     * @param limits        what clients may hold at the listeners ({@code --max-concurrent-streams} and the like)
     * @param outliers      when a failing pool endpoint is ejected ({@code --outlier-*})
     * @param retryBudget   how many requests may be retrying at once ({@code --retry-budget-*})
     * @param pickerTimeout how long an external endpoint picker may take to decide ({@code --picker-timeout}); a
     *                      pool's {@code infergate.io/picker-timeout} annotation wins over it; positive
     */
    public ServeLauncher(
            String host,
            String adminHost,
            int adminPort,
            int maxBodyBytes,
            Duration drainTimeout,
            Duration reloadDebounce,
            boolean ephemeralPorts,
            SchedulingOptions scheduling,
            EdgeLimits limits,
            OutlierDetector.Settings outliers,
            RetryBudget retryBudget,
            Duration pickerTimeout) {
        this.pickerTimeout = Objects.requireNonNull(pickerTimeout, "pickerTimeout");
        this.outliers = Objects.requireNonNull(outliers, "outliers");
        this.retryBudget = Objects.requireNonNull(retryBudget, "retryBudget");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.scheduling = scheduling;
        this.host = host;
        this.adminHost = adminHost;
        this.adminPort = adminPort;
        this.maxBodyBytes = maxBodyBytes;
        this.drainTimeout = drainTimeout;
        this.reloadDebounce = reloadDebounce;
        this.ephemeralPorts = ephemeralPorts;
    }

    /** The embedded default: replicas, demo manifests, gateway on {@code port} (0 = ephemeral). */
    public ServeRuntime startEmbedded(int replicas, int port, long seed) {
        EmbeddedDefault embedded = EmbeddedDefault.start(replicas, port == 0 ? PLACEHOLDER_PORT : port, seed);
        try {
            LoadResult loaded = Manifests.load("embedded-default.yaml", embedded.manifests());
            if (loaded.hasErrors()) {
                // a bug, not a user error: the template ships with the jar
                throw new IllegalStateException("the embedded default manifests do not validate: "
                        + loaded.errors().stream().map(Problem::format).toList());
            }
            ConfigStatus status = ConfigStatus.loaded(
                    List.of("embedded default (" + embedded.layout() + ")"),
                    Clock.systemUTC().instant(),
                    loaded.warnings().stream().map(Problem::format).toList());
            boolean ephemeral = ephemeralPorts || port == 0;
            return start(
                    GatewayConfig.compile(loaded.manifests()),
                    ephemeral,
                    Optional.of(embedded),
                    new AtomicReference<>(status)::get,
                    null);
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
    }

    /**
     * The user's files, already loaded without errors.
     *
     * @throws IllegalArgumentException when they declare no listener: a gateway with every port closed would
     *                                  look healthy while serving nothing (reloads refuse the same)
     */
    public ServeRuntime startFiles(List<Path> files, LoadResult loaded, List<String> warnings) {
        ConfigStatus initial = ConfigStatus.loaded(
                files.stream().map(Path::toString).toList(), Clock.systemUTC().instant(), warnings);
        GatewayConfig config = GatewayConfig.compile(loaded.manifests());
        ConfigReloader.Guard.NEEDS_A_LISTENER.refusal(config).ifPresent(why -> {
            throw new IllegalArgumentException(
                    String.join(", ", files.stream().map(Path::toString).toList()) + ": " + why
                            + "; declare a Gateway with a listener (nothing served)");
        });
        return start(config, ephemeralPorts, Optional.empty(), null, new ReloadSpec(files, initial));
    }

    private record ReloadSpec(List<Path> files, ConfigStatus initial) {}

    /**
     * Cluster mode: Gateways, routes, pools, Pods, Services and model objects from the API server; listeners open
     * as Gateways appear. Status is written while this replica leads. Ready ({@code /readyz}) once every informer
     * synced (and this replica leads, with leader election).
     *
     * @param client the API client; empty: in-cluster configuration, else {@code ~/.kube/config}
     */
    public ServeRuntime startCluster(
            WatchScope scope,
            String controllerName,
            Optional<LeaderElection.Settings> election,
            Optional<KubernetesClient> client) {
        AtomicReference<ConfigStatus> status = new AtomicReference<>(ConfigStatus.loaded(
                List.of("the Kubernetes API server"), Clock.systemUTC().instant(), List.of()));
        ServeRuntime runtime = start(ClusterConfigs.empty(), ephemeralPorts, Optional.empty(), status::get, null);
        try {
            ClusterMode.Builder builder = ClusterMode.builder(scope)
                    .controllerName(controllerName)
                    .onChange(result -> status.set(
                            ClusterConfigs.apply(runtime.gateway(), result, status.get(), Clock.systemUTC())));
            election.ifPresent(builder::leaderElection);
            client.ifPresent(builder::client);
            ClusterMode cluster = builder.build();
            runtime.cluster(cluster, cluster::isReady);
            cluster.start();
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private ServeRuntime start(
            GatewayConfig config,
            boolean ephemeral,
            Optional<EmbeddedDefault> embedded,
            Supplier<ConfigStatus> fixedStatus,
            ReloadSpec reload) {
        // label values are bounded by the names of the configuration being served, which changes on reload; the
        // server is built after its listener, so until then (no request can finish) the initial config answers
        AtomicReference<GatewayServer> served = new AtomicReference<>();
        GatewayMetrics metrics = new GatewayMetrics(
                () -> {
                    GatewayServer g = served.get();
                    return (g == null ? config : g.config()).knownModels();
                },
                true);
        AccessLog accessLog = new AccessLog();
        ProxyListener listener = r -> {
            metrics.onComplete(r);
            accessLog.onComplete(r);
        };
        ToIntFunction<ListenerConfig> ports = ephemeral ? l -> 0 : ListenerConfig::port;
        GatewayOptions options = GatewayOptions.defaults()
                .withBindHost(host)
                .withPortMapper(ports)
                .withMaxRequestBodyBytes(maxBodyBytes)
                .withDrainTimeout(drainTimeout)
                .withLimits(limits)
                .withOutliers(outliers)
                .withRetryBudget(retryBudget);
        // pools whose endpointPickerRef names a declared Service call that picker over ext_proc; the server owns it
        GatewayServer gateway =
                new GatewayServer(config, options, scheduling, listener, new GrpcExternalPickers(pickerTimeout));
        served.set(gateway);
        AtomicReference<ConfigReloader> reloader = new AtomicReference<>();
        Supplier<ConfigStatus> status = fixedStatus != null
                ? fixedStatus
                : () -> reloader.get() != null ? reloader.get().status() : reload.initial();
        ServeRuntime runtime = new ServeRuntime(gateway, metrics, embedded, status);
        try {
            gateway.start();
            if (adminPort >= 0) {
                runtime.admin(new AdminServer(
                                adminHost, adminPort, AdminSource.of(gateway, metrics, status, runtime::isServing))
                        .start());
            }
            if (reload != null) {
                reloader.set(new ConfigReloader(
                                reload.files(),
                                reloadDebounce,
                                gateway::update,
                                ConfigReloader.Guard.NEEDS_A_LISTENER,
                                reload.initial(),
                                Clock.systemUTC())
                        .start());
                runtime.reloader(reloader.get());
            }
            runtime.markRunning();
            return runtime;
        } catch (RuntimeException e) {
            // close what started; the embedded replicas are the caller's to close
            ServeRuntime partial = new ServeRuntime(gateway, metrics, Optional.empty(), status);
            runtime.admin().ifPresent(partial::admin);
            runtime.reloader().ifPresent(partial::reloader);
            partial.close();
            throw e;
        }
    }

    /** Prints where everything listens and, for the embedded default, three curl examples. */
    public static void printBanner(ServeRuntime runtime, String bindHost, PrintWriter out) {
        runtime.embedded().ifPresent(e -> {
            out.println("infergate serve: embedded default, " + e.replicas().size() + " simulated vLLM replicas ("
                    + EmbeddedDefault.baseModel() + ", LoRA adapters " + String.join(", ", EmbeddedDefault.ADAPTERS)
                    + "), " + e.layout());
            for (SimReplica r : e.replicas()) {
                out.println("  replica " + r.name() + "  " + r.url());
            }
        });
        runtime.configStatus().sources().forEach(s -> {
            if (runtime.embedded().isEmpty()) {
                out.println("infergate serve: " + s + " (watched; reloaded on change)");
            }
        });
        Map<String, Integer> bound = runtime.boundPorts();
        String shownHost = bindHost.equals("0.0.0.0") || bindHost.equals("::") ? "localhost" : bindHost;
        for (ListenerConfig l : runtime.gateway().config().listeners()) {
            Integer p = bound.get(l.id());
            String scheme = l.isTcp() ? "tcp" : l.protocol().equals("HTTPS") ? "https" : "http";
            out.println("listener " + l.id() + "  " + scheme + "://" + shownHost + ":" + (p == null ? "?" : p)
                    + (l.isTcp()
                            ? ""
                            : "  (pools: "
                                    + String.join(
                                            ", ",
                                            l.pools().stream()
                                                    .map(Object::toString)
                                                    .toList()) + ")"));
        }
        runtime.admin()
                .ifPresent(a ->
                        out.println("admin    " + a.url() + "  (/metrics /healthz /readyz /api/pools /api/config)"));
        if (runtime.embedded().isPresent() && !bound.isEmpty()) {
            String base =
                    "http://" + shownHost + ":" + bound.values().iterator().next();
            out.println();
            out.println("Try (in another terminal):");
            String post = "/v1/chat/completions -H 'content-type: application/json' -d '{\"model\":\"";
            String user = "\",\"messages\":[{\"role\":\"user\",\"content\":";
            out.println("  curl -N " + base + post + EmbeddedDefault.baseModel() + user
                    + "\"Hello!\"}],\"stream\":true,\"max_tokens\":32}'");
            out.println("  curl -s " + base + post + EmbeddedDefault.LORA_MODEL + user
                    + "\"Review: the soup was cold.\"}],\"max_tokens\":32}'");
            out.println("  curl -s " + base + "/v1/models");
            out.println();
            out.println(EmbeddedDefault.LORA_MODEL + " goes 90/10 to " + String.join(" / ", EmbeddedDefault.ADAPTERS)
                    + "; " + EmbeddedDefault.baseModel() + " is Critical, " + EmbeddedDefault.SHEDDABLE_MODEL
                    + " Sheddable. Ctrl-C drains and stops.");
        }
        out.flush();
    }
}
