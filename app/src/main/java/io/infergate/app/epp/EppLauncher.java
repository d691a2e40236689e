package io.infergate.app.epp;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.infergate.api.load.LoadResult;
import io.infergate.app.serve.ClusterSets;
import io.infergate.app.serve.ConfigReloader;
import io.infergate.extproc.server.EppServer;
import io.infergate.extproc.server.EppState;
import io.infergate.extproc.server.PickerConfigOverride;
import io.infergate.extproc.server.ServingCertificate;
import io.infergate.extproc.server.StreamSettings;
import io.infergate.gateway.admin.ConfigStatus;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.kubernetes.ClusterMode;
import io.infergate.kubernetes.LeaderElection;
import io.infergate.kubernetes.WatchScope;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.prefix.BackgroundLearner;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts {@code infergate epp} from validated options: builds the state, feeds it (files or the cluster), binds
 * the server. Runs on the command's thread; what it starts runs on its own threads until {@link EppRuntime#close}.
 */
public final class EppLauncher {

    private static final Logger log = LoggerFactory.getLogger(EppLauncher.class);

    private final SchedulingOptions scheduling;
    private final StreamSettings settings;
    private final Optional<PickerConfigOverride> override;
    private final String host;
    private final int grpcPort;
    private final int healthPort;
    private final int metricsPort;
    private final boolean secure;
    private final Optional<Path> certPath;
    private final Duration reloadDebounce;

    public EppLauncher(
            SchedulingOptions scheduling,
            StreamSettings settings,
            Optional<PickerConfigOverride> override,
            String host,
            int grpcPort,
            int healthPort,
            int metricsPort,
            boolean secure,
            Optional<Path> certPath,
            Duration reloadDebounce) {
        this.scheduling = Objects.requireNonNull(scheduling, "scheduling");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.override = Objects.requireNonNull(override, "override");
        this.host = Objects.requireNonNull(host, "host");
        this.grpcPort = grpcPort;
        this.healthPort = healthPort;
        this.metricsPort = metricsPort;
        this.secure = secure;
        this.certPath = Objects.requireNonNull(certPath, "certPath");
        this.reloadDebounce = Objects.requireNonNull(reloadDebounce, "reloadDebounce");
    }

    /** Standalone: the pool from files already loaded without errors, reloaded when they change. */
    public EppRuntime startFiles(List<Path> files, LoadResult loaded, PoolId pool) {
        EppState state = newState(pool);
        state.update(loaded.manifests());
        EppServer server = newServer(state, () -> true);
        ConfigReloader reloader = null;
        try {
            server.start();
            ConfigStatus initial = ConfigStatus.loaded(
                    files.stream().map(Path::toString).toList(),
                    Clock.systemUTC().instant(),
                    List.of());
            reloader = new ConfigReloader(
                            files,
                            reloadDebounce,
                            config -> state.update(config.manifests()),
                            initial,
                            Clock.systemUTC())
                    .start();
            return new EppRuntime(server, banner(server, pool, "files " + files), List.of(reloader));
        } catch (RuntimeException e) {
            if (reloader != null) {
                reloader.close();
            }
            server.close();
            state.close();
            throw e;
        }
    }

    /**
     * Cluster mode: the pool, its Pods and the model objects of its namespace from the API server (informers), the
     * InferenceModel status written while this replica leads; ready once synced (and leading, with leader election).
     *
     * @param leaseNamespace where the leader-election Lease lives (its name is {@code infergate-epp-<pool>})
     * @param client         the API client; empty: in-cluster configuration, else {@code ~/.kube/config}
     */
    public EppRuntime startCluster(
            PoolId pool, boolean leaderElection, String leaseNamespace, Optional<KubernetesClient> client) {
        EppState state = newState(pool);
        ClusterMode.Builder builder = ClusterMode.builder(
                        WatchScope.forPicker(pool.namespace(), pool.name(), pool.group()))
                .onChange(result -> apply(state, result));
        client.ifPresent(builder::client);
        if (leaderElection) {
            builder.leaderElection(LeaderElection.Settings.of(leaseNamespace, "infergate-epp-" + pool.name()));
        }
        ClusterMode cluster = builder.build();
        EppServer server = newServer(state, cluster::isReady);
        try {
            server.start();
            cluster.start();
            return new EppRuntime(
                    server,
                    banner(server, pool, "the cluster" + (leaderElection ? " (leader election on)" : "")),
                    List.of(cluster));
        } catch (RuntimeException e) {
            cluster.close();
            server.close();
            state.close();
            throw e;
        }
    }

    /**
     * Serves what of a set the cluster produced can be served: objects with errors are left out
     * ({@link ClusterSets}); errors that cannot be pinned on an object keep the last good set serving.
     */
    static void apply(EppState state, LoadResult result) {
        ClusterSets.Servable servable = ClusterSets.of(result);
        LoadResult checked = servable.result();
        if (checked.hasErrors() || !servable.leftOut().isEmpty()) {
            servable.problems().forEach(p -> log.warn("{}", p));
        }
        if (checked.hasErrors()) {
            log.warn(
                    "{} error(s) in the cluster's objects; the picker keeps its last good configuration",
                    checked.errors().size());
            return;
        }
        if (!servable.leftOut().isEmpty()) {
            log.warn("left out {} object(s) with errors: {}", servable.leftOut().size(), servable.leftOut());
        }
        try {
            state.update(checked.manifests());
        } catch (IllegalArgumentException e) {
            log.warn("the cluster's objects cannot be served, the last good configuration stays: {}", e.getMessage());
        }
    }

    EppState newState(PoolId pool) {
        EppState state =
                new EppState(pool, scheduling, System::nanoTime, ThreadLocalRandom::current, new BackgroundLearner());
        override.ifPresent(state::override);
        return state;
    }

    EppServer newServer(EppState state, BooleanSupplier ready) {
        Optional<ServingCertificate> cert = !secure
                ? Optional.empty()
                : Optional.of(certPath.map(ServingCertificate::fromDirectory)
                        .orElseGet(() -> ServingCertificate.selfSigned(hostName())));
        return new EppServer(
                state,
                settings,
                new EppServer.Options(host, grpcPort, healthPort, metricsPort, cert, scheduling.metricsInterval()),
                ready);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    String banner(EppServer server, PoolId pool, String source) {
        Map<String, Integer> ports = server.boundPorts();
        return "infergate epp: picking for InferencePool " + pool + " (" + pool.group() + ") from " + source
                + "\n  ext_proc  " + host + ":" + ports.get("grpc")
                + (secure
                        ? " (TLS" + (certPath.isPresent() ? ", " + certPath.get() : ", self-signed") + ")"
                        : " (plaintext h2c)")
                + "\n  health    " + host + ":" + ports.get("health")
                + " (grpc.health.v1: liveness, readiness, envoy.service.ext_proc.v3.ExternalProcessor)"
                + (ports.containsKey("metrics")
                        ? "\n  metrics   http://" + host + ":" + ports.get("metrics")
                                + "/metrics (also /healthz, /readyz, /api/pools)"
                        : "");
    }
}
